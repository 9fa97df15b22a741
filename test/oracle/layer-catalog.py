# The layer catalog's Python side, one process for all cases (TensorFlow takes seconds to import).
#   write CASES.json DIR OUT.json: enumerate keras.layers and keras.activations; for each case build a
#     one-layer model with seeded random weights, save DIR/<id>.keras and the inputs, outputs and
#     tf.GradientTape gradients as .npy, and record the fresh layer's get_config().
#   read CASES.json DIR OUT.json: load the files tskeras wrote (DIR/<id>.ts.keras: the Keras file
#     loaded and saved again; DIR/<id>.ctor.keras: the layer built by tskeras's constructor), predict,
#     and compare tskeras's config with Keras's key for key.
import inspect, json, sys, zipfile, zlib
import numpy as np
import keras
import tensorflow as tf

mode, cases_path, work, out_path = sys.argv[1:5]
cases = json.load(open(cases_path))


def build(case):
    return eval("keras.layers." + case["python"], {"keras": keras})


def inputs_for(case):
    return [keras.Input(shape=tuple(shape), dtype="int32" if case.get("integer") else "float32") for shape in case["inputs"]]


def call(case, layer, tensors):
    kind = case.get("call", "single")
    # Variants: a layer in front of each input (Masking, Embedding(mask_zero=True)) and call-site keywords.
    if case.get("pythonPre"):
        tensors = [build({"python": case["pythonPre"]})(tensor) for tensor in tensors]
    kwargs = eval(f"dict({case.get('pythonKwargs', '')})")
    return layer(tensors[0], **kwargs) if kind == "single" else layer(tensors, **kwargs) if kind == "list" else layer(*tensors, **kwargs)


def as_list(value):
    return [np.asarray(item) for item in value] if isinstance(value, (list, tuple)) else [np.asarray(value)]


def suffix(index):
    """Output 0 keeps the plain names (x.y.npy, x.r.npy); further outputs (return_state) are y1, y2, ..."""
    return "" if index == 0 else str(index)


def arrays_for(case, rng):
    if case.get("integer"):
        arrays = [rng.integers(0, 10, (2, *shape)).astype("int32") for shape in case["inputs"]]
    else:
        arrays = [(rng.normal(size=(2, *shape)) * case.get("scale", 1)).astype("float32") for shape in case["inputs"]]
    if case.get("padded"):
        # Padded steps (all zeros, what Masking and mask_zero mask): the last two of sample 0, the second of sample 1.
        for array in arrays:
            array[0, -2:] = 0
            array[1, 1] = 0
    return arrays


def write():
    names = {}
    for name in dir(keras.layers):
        value = getattr(keras.layers, name)
        if not name.startswith("_") and inspect.isclass(value):
            names[name] = {"class": value.__name__, "module": value.__module__}
    activations = [name for name in dir(keras.activations) if not name.startswith("_") and inspect.isfunction(getattr(keras.activations, name))]
    results = {}
    for case in cases:
        case_id = case["id"]
        try:
            rng = np.random.default_rng(zlib.crc32(case_id.encode()))
            layer = build(case)
            tensors = inputs_for(case)
            model = keras.Model(tensors, call(case, layer, tensors))
            for weight in model.weights:
                value = rng.uniform(-0.5, 0.5, weight.shape)
                if "variance" in weight.path:
                    value = np.abs(value) + 0.5
                weight.assign(value.astype(weight.dtype))
            # Layers that cache tensors derived from their variables (Normalization) refresh them, as Keras does after loading.
            for sublayer in model.layers:
                if hasattr(sublayer, "finalize_state"):
                    sublayer.finalize_state()
            xs = arrays_for(case, rng)
            training = case.get("training", False)
            ys = as_list(model(xs if len(xs) > 1 else xs[0], training=training))
            model.save(f"{work}/{case_id}.keras")
            for index, x in enumerate(xs):
                np.save(f"{work}/{case_id}.x{index}.npy", x)
            rs = []
            for index, y in enumerate(ys):
                np.save(f"{work}/{case_id}.y{suffix(index)}.npy", y.astype("float32"))
                rs.append(rng.normal(size=y.shape).astype("float32"))
                np.save(f"{work}/{case_id}.r{suffix(index)}.npy", rs[-1])
            constants = [tf.constant(x) for x in xs]
            float_inputs = [] if case.get("integer") else constants
            with tf.GradientTape() as tape:
                for constant in float_inputs:
                    tape.watch(constant)
                outputs = model(constants if len(constants) > 1 else constants[0], training=training)
                outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
                loss = tf.add_n([tf.reduce_sum(output * r) for output, r in zip(outputs, rs)])
            grads = tape.gradient(loss, float_inputs + list(model.trainable_weights))
            for index, grad in enumerate(grads):
                value = np.zeros(1, "float32") if grad is None else np.asarray(tf.convert_to_tensor(grad))
                np.save(f"{work}/{case_id}.g{index}.npy", value.astype("float32"))
            fresh = build(case)
            results[case_id] = {
                "ok": True,
                "config": keras.saving.serialize_keras_object(fresh)["config"],
                "trainable": [weight.path for weight in model.trainable_weights],
                "inputGrads": len(float_inputs),
                "outputs": len(ys),
            }
        except Exception as error:  # recorded per case; the test reports it
            results[case_id] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:400]}
    json.dump({"keras": keras.__version__, "names": names, "activations": activations, "cases": results}, open(out_path, "w"))


def normalized(value):
    if isinstance(value, dict) and "class_name" in value:
        if value["class_name"] == "DTypePolicy":
            return ("dtype", value["config"]["name"])
        return ("object", value["class_name"])
    if isinstance(value, dict):
        return {key: normalized(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalized(item) for item in value]
    if isinstance(value, float):
        return round(value, 6)
    return value


def config_differences(ours, theirs):
    differences = []
    for key in sorted(set(ours) | set(theirs)):
        if key == "name":
            continue
        if key not in ours:
            differences.append(f"missing {key}")
        elif key not in theirs:
            differences.append(f"extra {key}")
        elif normalized(ours[key]) != normalized(theirs[key]):
            differences.append(f"{key}: {json.dumps(ours[key])[:60]} vs Keras {json.dumps(theirs[key])[:60]}")
    return differences


def read():
    results = {}
    for case in cases:
        case_id = case["id"]
        result = {}
        try:
            model = keras.models.load_model(f"{work}/{case_id}.ts.keras")
            xs = [np.load(f"{work}/{case_id}.x{index}.npy") for index in range(len(case["inputs"]))]
            ys = as_list(model(xs if len(xs) > 1 else xs[0], training=case.get("training", False)))
            result["saveDiff"] = 0.0
            for index, y in enumerate(ys):
                expected = np.load(f"{work}/{case_id}.y{suffix(index)}.npy")
                if y.shape != expected.shape:
                    result["saveDiff"] = None
                    result["saveError"] = f"output {index}: shape {y.shape} vs {expected.shape}"
                    break
                result["saveDiff"] = max(result["saveDiff"], float(np.max(np.abs(y - expected))) if y.size else 0.0)
        except Exception as error:
            result["saveError"] = f"{type(error).__name__}: {error}"[:300]
        try:
            with zipfile.ZipFile(f"{work}/{case_id}.ctor.keras") as archive:
                config = json.loads(archive.read("config.json"))
            within = case.get("within")
            outer = within["layer"] if within else case["className"]
            # Keras writes some classes under their public alias (GroupedQueryAttention as GroupQueryAttention).
            entry = next(layer for layer in config["config"]["layers"] if getattr(getattr(keras.layers, layer["class_name"], None), "__name__", layer["class_name"]) == outer)
            layer, ours = build(case), entry["config"]
            if within:
                # A class checked inside another layer (a cell inside RNN): its own config, where the outer layer keeps it.
                if ours[within["key"]]["class_name"] != case["className"]:
                    raise ValueError(f"{outer}'s {within['key']} is a {ours[within['key']]['class_name']}, not a {case['className']}")
                layer, ours = getattr(layer, within["key"]), ours[within["key"]]["config"]
            theirs = keras.saving.serialize_keras_object(layer)["config"]
            result["configDifferences"] = config_differences(ours, theirs)
            keras.models.load_model(f"{work}/{case_id}.ctor.keras")
        except FileNotFoundError:
            result["configError"] = "tskeras could not build or save it"
        except Exception as error:
            result["configError"] = f"{type(error).__name__}: {error}"[:300]
        results[case_id] = result
    json.dump(results, open(out_path, "w"))


write() if mode == "write" else read()
