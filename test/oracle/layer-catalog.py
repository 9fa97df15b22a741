# The layer catalog's Python side, one process for all cases (TensorFlow takes seconds to import).
#   write CASES.json DIR OUT.json: enumerate keras.layers and keras.activations; for each case build a
#     one-layer model with seeded random weights, save DIR/<id>.keras and the inputs, outputs and
#     tf.GradientTape gradients as .npy, and record the fresh layer's get_config().
#     Each case also goes out in the other formats: legacy DIR/<id>.h5 (when Keras can read its own
#     .h5 of the case back; otherwise the reason is recorded) and model.export() DIR/<id>.export, plus
#     the weights in model.weights order (DIR/<id>.weights.npz; their paths go in OUT.json).
#   read CASES.json DIR OUT.json: load the files tskeras wrote (DIR/<id>.ts.keras: the Keras file
#     loaded and saved again; DIR/<id>.ctor.keras: the layer built by tskeras's constructor), predict,
#     and compare tskeras's config with Keras's key for key; likewise DIR/<id>.ts.h5 (Keras loads it),
#     DIR/<id>.ts.savedmodel (tf.saved_model.load + serving_default) and DIR/<id>.ts.ckpt/ckpt
#     (tf.train.load_checkpoint: each Keras weight under its attribute name, values exactly equal).
import inspect, json, sys, zipfile, zlib
import numpy as np
import keras
import tensorflow as tf

mode, cases_path, work, out_path = sys.argv[1:5]
cases = json.load(open(cases_path))
# The read pass also gets what tskeras wrote per case (paths, input names) and Keras's weight paths from the write pass.
ts_written = json.load(open(sys.argv[5])) if len(sys.argv) > 5 else {}
cases_written = {case_id: entry.get("weights", []) for case_id, entry in json.load(open(sys.argv[6]))["cases"].items()} if len(sys.argv) > 6 else {}


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


def attempt(action):
    """None when `action` runs, else why not (Keras itself cannot write the case in that format)."""
    try:
        action()
        return None
    except Exception as error:
        return f"{type(error).__name__}: {error}"[:200]


def predict_within(model, xs, expected):
    """None when `model` predicts `expected` within 1e-5, else how far off it is."""
    y = np.asarray(model(xs if len(xs) > 1 else xs[0], training=False))
    if y.shape != expected.shape:
        return f"shape {y.shape} vs {expected.shape}"
    difference = float(np.max(np.abs(y - expected))) if y.size else 0.0
    return None if difference <= 1e-5 else f"predicts {difference:.2e} away"


def own_h5_error(case_id, model, xs, y):
    """Legacy .h5 only where Keras can write the case and read it back with the same numbers."""
    path = f"{work}/{case_id}.h5"
    try:
        model.save(path)
        problem = predict_within(keras.models.load_model(path, compile=False), xs, y)
        return None if problem is None else f"its own .h5 {problem}"
    except Exception as error:
        return f"{type(error).__name__}: {error}"[:200]


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
            output = call(case, layer, tensors)
            # A layer Keras cannot end a model with gets one after it (case["followedBy"]).
            if case.get("followedBy"):
                output = eval("keras.layers." + case["followedBy"]["python"], {"keras": keras})(output)
            model = keras.Model(tensors, output)
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
            np.savez(f"{work}/{case_id}.weights.npz", *[np.asarray(weight.numpy()) for weight in model.weights])
            results[case_id] = {
                "ok": True,
                "h5Error": own_h5_error(case_id, model, xs, y),
                "exportError": attempt(lambda: model.export(f"{work}/{case_id}.export", verbose=False)),
                # export() names serving_default's inputs after the model's input tensors, in this order.
                "exportInputs": [tensor.name for tensor in model.inputs],
                "weights": [weight.path for weight in model.weights],
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
        read_other_formats(case_id, case, result)
        results[case_id] = result
    json.dump(results, open(out_path, "w"))


def read_other_formats(case_id, case, result):
    """tskeras's .h5, SavedModel and TF checkpoint of the model it loaded from Keras's .keras."""
    written = ts_written.get(case_id, {})
    if not written:
        return
    xs = [np.load(f"{work}/{case_id}.x{index}.npy") for index in range(len(case["inputs"]))]
    expected = np.load(f"{work}/{case_id}.y.npy")
    if "h5" in written:
        try:
            result["h5Error"] = predict_within(keras.models.load_model(written["h5"], compile=False), xs, expected)
        except Exception as error:
            result["h5Error"] = f"{type(error).__name__}: {error}"[:300]
    if "savedmodel" in written:
        try:
            signature = tf.saved_model.load(written["savedmodel"]).signatures["serving_default"]
            keywords = signature.structured_input_signature[1]
            names = written["inputNames"]
            if sorted(keywords) != sorted(names):
                raise ValueError(f"serving_default takes {sorted(keywords)}, the model's inputs are {names}")
            dtypes = {name: spec.dtype for name, spec in keywords.items()}
            outputs = signature(**{name: tf.constant(x, dtype=dtypes[name]) for name, x in zip(names, xs)})
            if len(outputs) != 1:
                raise ValueError(f"serving_default returns {sorted(outputs)}, expected one output")
            y = np.asarray(list(outputs.values())[0])
            if y.shape != expected.shape:
                result["savedModelError"] = f"shape {y.shape} vs {expected.shape}"
            else:
                difference = float(np.max(np.abs(y - expected))) if y.size else 0.0
                result["savedModelError"] = None if difference <= 1e-5 else f"serving_default predicts {difference:.2e} away"
        except Exception as error:
            result["savedModelError"] = f"{type(error).__name__}: {error}"[:300]
    if "checkpoint" in written:
        try:
            result["checkpointError"] = checkpoint_differences(case_id, case["className"], written["checkpoint"])
        except Exception as error:
            result["checkpointError"] = f"{type(error).__name__}: {error}"[:300]


def same(stored, value):
    stored = np.asarray(stored)
    return stored.shape == value.shape and np.array_equal(stored.astype("float64"), value.astype("float64"))


# tskeras writes tf.keras 2's checkpoint layout (`layer_with_weights-0/kernel`), where a few weights had
# other attribute names than Keras 3 gives them.
TF_KERAS_2_NAMES = {("DepthwiseConv2D", "kernel"): "depthwise_kernel"}


def checkpoint_differences(case_id, class_name, prefix):
    """Each Keras weight is one checkpoint value under its attribute name (`.../kernel`), exactly equal; nothing else of the model's."""
    reader = tf.train.load_checkpoint(prefix)
    suffix = "/.ATTRIBUTES/VARIABLE_VALUE"
    unused = {key for key in reader.get_variable_to_shape_map() if key.endswith(suffix) and not key.startswith(("optimizer/", "save_counter/"))}
    weights = np.load(f"{work}/{case_id}.weights.npz")
    paths = cases_written[case_id]
    problems = []
    for index, path in enumerate(paths):
        value = weights[f"arr_{index}"]
        attribute = path.split("/")[-1]
        names = {attribute, TF_KERAS_2_NAMES.get((class_name, attribute), attribute)}
        found = next((key for key in sorted(unused) if key[: -len(suffix)].split("/")[-1] in names and same(reader.get_tensor(key), value)), None)
        if found is None:
            problems.append(f"no {attribute} equal to Keras's {path}")
        else:
            unused.discard(found)
    if unused:
        problems.append(f"extra values {sorted(key[: -len(suffix)] for key in unused)}")
    return "; ".join(problems)[:300] or None


write() if mode == "write" else read()
