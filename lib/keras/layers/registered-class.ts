import * as tfc from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

/**
 * tfjs-layers exports its layer classes only through factories (`tf.layers.dense`), but every class
 * registers itself for deserialization; the registry hands us the class itself so we can subclass it.
 */
export function registeredLayerClass<C extends new (...args: never[]) => tfl.layers.Layer>(className: string): WithTypedApply<C> {
  const entry = tfc.serialization.SerializationMap.getMap().classNameMap[className];
  if (!entry) throw new Error(`tfjs-layers has no registered class "${className}"; is @tensorflow/tfjs-layers 4.22 installed?`);
  return entry[0] as unknown as WithTypedApply<C>;
}

type Kwargs = Parameters<tfl.layers.Layer["apply"]>[1];
type AnyInputs = tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[];

/**
 * `apply` typed by what it is given, as in Keras: symbolic in → symbolic out (building a functional
 * model), concrete tensor in → tensor out (eager call). Only the types narrow; tfjs does the work.
 */
export interface TypedApply {
  apply(inputs: tfl.SymbolicTensor, kwargs?: Kwargs): tfl.SymbolicTensor;
  apply(inputs: tfl.SymbolicTensor[], kwargs?: Kwargs): tfl.SymbolicTensor | tfl.SymbolicTensor[];
  apply(inputs: tfc.Tensor, kwargs?: Kwargs): tfc.Tensor;
  apply(inputs: AnyInputs, kwargs?: Kwargs): tfc.Tensor | tfc.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[];
}
/** The class with the typed `apply` overloads first, so they win overload resolution. */
export type WithTypedApply<C extends new (...args: never[]) => tfl.layers.Layer> = Omit<C, "prototype"> & (new (...args: ConstructorParameters<C>) => TypedApply & InstanceType<C>);
