import * as tfl from "@tensorflow/tfjs-layers";
import { isAttributeTracked, trackedLayers } from "../../tf/tracking/attribute-tracking.js";

/** The layers directly inside one: a model's layers, or the layers a custom layer holds in its properties. */
function childLayers(layer: tfl.layers.Layer): tfl.layers.Layer[] {
  if (layer instanceof tfl.LayersModel) return layer.layers;
  // Built-in tfjs layers hold no layers; custom layers and subclassed models list theirs by attribute.
  return isAttributeTracked(layer) ? trackedLayers(layer) : [];
}

/**
 * Python `layer.submodules`: every layer inside `root`, in tf.Module's order (a layer's own
 * layers first, then each one's inner layers, recursively). Each layer appears once.
 */
export function submodulesOf(root: tfl.layers.Layer): tfl.layers.Layer[] {
  const found: tfl.layers.Layer[] = [];
  const seen = new Set<tfl.layers.Layer>([root]);
  const visit = (layer: tfl.layers.Layer): void => {
    const children = childLayers(layer).filter((child) => !seen.has(child));
    children.forEach((child) => seen.add(child));
    found.push(...children);
    children.forEach(visit);
  };
  visit(root);
  return found;
}

/** Keras 3's repr of a layer or model, `<FlexibleDense name=flexible_dense, built=True>`, for cells and console.log. */
export function layerRepr(layer: tfl.layers.Layer): string {
  return `<${layer.constructor.name} name=${layer.name}, built=${layer.built ? "True" : "False"}>`;
}
