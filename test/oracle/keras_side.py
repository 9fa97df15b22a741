# The Keras/TensorFlow half of the differential matrix (test/oracle/matrix.test.ts). One process per
# phase, since importing TensorFlow costs seconds:
#   write OUT        enumerate Keras's catalog, build one model per supported recipe, write every
#                    format Keras/TF writes, record inputs, predictions, weights and default configs
#   read MANIFEST    load every file tskeras wrote and report what Keras/TF predicts from it
# Prints one JSON document as its last line.
import json
import os
import sys
import traceback

import numpy as np
import tensorflow as tf
import keras

keras.utils.set_random_seed(7)


# ---------------------------------------------------------------- the recipes
# One recipe per Keras layer class: constructor kwargs (Keras spelling) and one sample's input shape.
# The catalog decides what is listed; a catalog entry tskeras has but no recipe covers is reported.
def recipes():
    r = {
        "Dense": ({"units": 4}, [3]),
        "Conv1D": ({"filters": 2, "kernel_size": 3}, [6, 2]),
        "Conv2D": ({"filters": 2, "kernel_size": 3}, [6, 6, 2]),
        "Conv3D": ({"filters": 2, "kernel_size": 2}, [3, 3, 3, 1]),
        "Conv2DTranspose": ({"filters": 2, "kernel_size": 3}, [4, 4, 2]),
        "SeparableConv2D": ({"filters": 2, "kernel_size": 3}, [6, 6, 2]),
        "DepthwiseConv2D": ({"kernel_size": 3}, [6, 6, 2]),
        "MaxPooling1D": ({}, [6, 2]),
        "AveragePooling1D": ({"pool_size": 2}, [6, 2]),
        "MaxPooling2D": ({}, [4, 4, 2]),
        "AveragePooling2D": ({"pool_size": 2}, [4, 4, 2]),
        "MaxPooling3D": ({}, [4, 4, 4, 1]),
        "AveragePooling3D": ({"pool_size": 2}, [4, 4, 4, 1]),
        "GlobalAveragePooling1D": ({}, [6, 2]),
        "GlobalMaxPooling1D": ({}, [6, 2]),
        "GlobalAveragePooling2D": ({}, [4, 4, 2]),
        "GlobalMaxPooling2D": ({}, [4, 4, 2]),
        "Flatten": ({}, [2, 3]),
        "Reshape": ({"target_shape": [3, 2]}, [6]),
        "Permute": ({"dims": [2, 1]}, [2, 3]),
        "RepeatVector": ({"n": 2}, [3]),
        "Dropout": ({"rate": 0.5}, [3]),
        "SpatialDropout1D": ({"rate": 0.5}, [4, 3]),
        "GaussianNoise": ({"stddev": 0.1}, [3]),
        "GaussianDropout": ({"rate": 0.1}, [3]),
        "AlphaDropout": ({"rate": 0.1}, [3]),
        "Activation": ({"activation": "tanh"}, [3]),
        "ReLU": ({}, [3]),
        "LeakyReLU": ({}, [3]),
        "PReLU": ({}, [3]),
        "ELU": ({}, [3]),
        "Softmax": ({}, [3]),
        "Embedding": ({"input_dim": 10, "output_dim": 3}, [4]),
        "BatchNormalization": ({}, [3]),
        "LayerNormalization": ({}, [3]),
        "SimpleRNN": ({"units": 3}, [4, 2]),
        "LSTM": ({"units": 3}, [4, 2]),
        "GRU": ({"units": 3}, [4, 2]),
        "ConvLSTM2D": ({"filters": 2, "kernel_size": 3}, [2, 5, 5, 1]),
        "Bidirectional": ({"layer": {"class_name": "LSTM", "config": {"units": 3}}}, [4, 2]),
        "TimeDistributed": ({"layer": {"class_name": "Dense", "config": {"units": 2}}}, [4, 3]),
        "ZeroPadding2D": ({"padding": 1}, [3, 3, 2]),
        "Cropping2D": ({"cropping": 1}, [4, 4, 2]),
        "UpSampling2D": ({"size": 2}, [2, 2, 2]),
        "Masking": ({}, [4, 2]),
        "Rescaling": ({"scale": 0.5, "offset": 1.0}, [3]),
        "CenterCrop": ({"height": 2, "width": 2}, [4, 4, 1]),
        "Add": ({}, [3]),
        "Multiply": ({}, [3]),
        "Average": ({}, [3]),
        "Maximum": ({}, [3]),
        "Minimum": ({}, [3]),
        "Concatenate": ({}, [3]),
        "Dot": ({"axes": 1}, [3]),
    }
    # Every activation in keras.activations, as an Activation layer (the catalog decides the list).
    for name in catalog()["activations"]:
        r[f"Activation:{name}"] = ({"activation": name}, [4])  # even width: glu halves the last axis
    return r


MERGE = {"Add", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"}
INTEGER_INPUT = {"Embedding"}


def make_layer(class_name, kwargs):
    kwargs = dict(kwargs)
    if "layer" in kwargs:
        inner = kwargs.pop("layer")
        kwargs["layer"] = getattr(keras.layers, inner["class_name"])(**inner["config"])
    return getattr(keras.layers, class_name)(**kwargs)


def build_model(class_name, kwargs, shape):
    """Merge layers take two inputs (functional); the rest sit in a Sequential after an Input."""
    if class_name in MERGE:
        a = keras.Input(shape=shape, name="a")
        b = keras.Input(shape=shape, name="b")
        return keras.Model([a, b], make_layer(class_name, kwargs)([a, b]))
    dtype = "int32" if class_name in INTEGER_INPUT else "float32"
    return keras.Sequential([keras.Input(shape=shape, dtype=dtype), make_layer(class_name, kwargs)])


def sample_inputs(class_name, shape, seed):
    rng = np.random.RandomState(seed)
    if class_name in INTEGER_INPUT:
        return [rng.randint(0, 10, size=[2] + shape).astype("int32")]
    count = 2 if class_name in MERGE else 1
    return [rng.uniform(-1, 1, size=[2] + shape).astype("float32") for _ in range(count)]


def randomize(model, seed):
    """Non-default weights (BatchNormalization moving statistics included) so a mixed-up variable shows."""
    rng = np.random.RandomState(seed)
    values = []
    for weight in model.get_weights():
        values.append((rng.uniform(0.5, 1.5, size=weight.shape) if weight.size else weight).astype(weight.dtype))
    model.set_weights(values)


def predict(model, inputs):
    output = model(inputs if len(inputs) > 1 else inputs[0], training=False)
    return np.asarray(output).astype("float64").tolist()


# ---------------------------------------------------------------- catalog
def catalog():
    def public(module, kind):
        names = []
        for name in sorted(dir(module)):
            if name.startswith("_"):
                continue
            value = getattr(module, name)
            if kind == "class" and isinstance(value, type):
                names.append(name)
            if kind == "function" and callable(value) and not isinstance(value, type) and name not in ("get", "serialize", "deserialize"):
                names.append(name)
        return names

    return {
        "layers": public(keras.layers, "class"),
        "activations": public(keras.activations, "function"),
        "initializers": public(keras.initializers, "class"),
        "losses": public(keras.losses, "class"),
        "optimizers": public(keras.optimizers, "class"),
        "metrics": public(keras.metrics, "class"),
    }


def plain(value):
    """get_config() values as JSON (dtype policies become their name)."""
    if isinstance(value, dict):
        if value.get("class_name") == "DTypePolicy":
            return value["config"]["name"]
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def write(out):
    result = {"versions": {"tensorflow": tf.__version__, "keras": keras.__version__}, "catalog": catalog(), "cases": {}, "defaults": {}}
    for index, (entry, (kwargs, shape)) in enumerate(recipes().items()):
        class_name = entry.split(":")[0]
        if not hasattr(keras.layers, class_name):
            continue
        case = {"class_name": class_name, "kwargs": kwargs, "shape": shape, "files": {}, "errors": {}}
        result["cases"][entry] = case
        try:
            result["defaults"][entry] = plain(make_layer(class_name, kwargs).get_config())
            model = build_model(class_name, kwargs, shape)
            randomize(model, index)
            inputs = sample_inputs(class_name, shape, 100 + index)
            case["inputs"] = [x.tolist() for x in inputs]
            case["input_dtype"] = str(inputs[0].dtype)
            case["expected"] = predict(model, inputs)
            case["weights"] = [{"path": w.path, "shape": list(w.shape), "values": np.asarray(w.numpy()).astype("float64").ravel().tolist()} for w in model.weights]
            case["architecture"] = model.to_json()
            directory = os.path.join(out, entry.replace(":", "_"))
            os.makedirs(directory, exist_ok=True)
            for fmt, path, save in (
                ("keras", "model.keras", lambda p: model.save(p)),
                ("h5", "model.h5", lambda p: model.save(p)),
                ("weights.h5", "model.weights.h5", lambda p: model.save_weights(p)),
                ("export", "exported", lambda p: model.export(p, verbose=False)),
            ):
                full = os.path.join(directory, path)
                try:
                    save(full)
                    case["files"][fmt] = full
                except Exception as error:  # Keras itself cannot write this case in this format
                    case["errors"][fmt] = f"{type(error).__name__}: {error}"[:300]
        except Exception as error:
            case["errors"]["build"] = traceback.format_exc()[-600:]
    result["module"] = write_module(out)
    result["compiled"] = write_compiled(out)
    return result


# The batch both sides train the compiled models on (matrix.test.ts trains on the same numbers).
TRAIN_X = [[0.5, -1, 0.25], [1, 0.5, -0.5], [-0.75, 0.2, 1], [0.1, 0.9, -0.3]]
TRAIN_Y = [[1, 0], [0, 1], [0.3, 0.7], [0.6, 0.4]]
COMPILED_OPTIMIZERS = {
    "Adam": lambda: keras.optimizers.Adam(0.01),
    "Adamax": lambda: keras.optimizers.Adamax(0.01),
    "SGD": lambda: keras.optimizers.SGD(0.1),
    "SGD(momentum)": lambda: keras.optimizers.SGD(0.1, momentum=0.9),
    "SGD(nesterov)": lambda: keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    "RMSprop": lambda: keras.optimizers.RMSprop(0.01),
    "RMSprop(centered, momentum)": lambda: keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    "Adagrad": lambda: keras.optimizers.Adagrad(0.1),
    "Adadelta": lambda: keras.optimizers.Adadelta(1.0),
}


def write_compiled(out):
    """Keras trains a compiled model three steps and saves it; two more steps give the loss tskeras must meet after loading."""
    x = np.asarray(TRAIN_X, dtype="float32")
    y = np.asarray(TRAIN_Y, dtype="float32")
    cases = {}
    for index, (name, make) in enumerate(COMPILED_OPTIMIZERS.items()):
        for fmt in ("keras", "h5"):
            model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(2, activation="softmax")])
            randomize(model, 500 + index)
            # "mean_squared_error", not "mse": Keras 3.15 cannot read its own .h5 compiled with "mse".
            model.compile(optimizer=make(), loss="mean_squared_error")
            model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
            path = os.path.join(out, f"compiled_{index}.{fmt}")
            model.save(path)
            history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
            cases[f"{name}|{fmt}"] = {"file": path, "optimizer": type(model.optimizer).__name__, "loss": float(history.history["loss"][1])}
    return {"x": TRAIN_X, "y": TRAIN_Y, "cases": cases}


class Scale(tf.Module):
    """tf.saved_model.save(module) and tf.train.Checkpoint: a variable and one traced function."""

    def __init__(self):
        super().__init__()
        self.w = tf.Variable(np.array([[1.5, -2.0], [0.25, 3.0], [-1.0, 0.5]], dtype="float32"), name="w")
        self.b = tf.Variable(np.array([0.1, -0.2], dtype="float32"), name="b")

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
    def __call__(self, x):
        return tf.nn.tanh(tf.matmul(x, self.w) + self.b)


def write_module(out):
    module = Scale()
    x = np.random.RandomState(3).uniform(-1, 1, size=[2, 3]).astype("float32")
    saved = os.path.join(out, "module_savedmodel")
    tf.saved_model.save(module, saved, signatures={"serving_default": module.__call__})
    prefix = tf.train.Checkpoint(w=module.w, b=module.b).write(os.path.join(out, "module_checkpoint", "ckpt"))
    return {"savedmodel": saved, "checkpoint": prefix, "inputs": x.tolist(), "expected": module(x).numpy().astype("float64").tolist(),
            "variables": {"w": module.w.numpy().ravel().tolist(), "b": module.b.numpy().ravel().tolist()}}


# ---------------------------------------------------------------- read what tskeras wrote
def read(manifest_path):
    manifest = json.load(open(manifest_path))
    results = {}
    for name, case in manifest["cases"].items():
        inputs = [np.asarray(x, dtype=case.get("input_dtype", "float32")) for x in case["inputs"]]
        outcome = {}
        results[name] = outcome
        for fmt, path in case["files"].items():
            try:
                if fmt in ("keras", "h5"):
                    outcome[fmt] = {"predicted": predict(keras.saving.load_model(path, compile=False), inputs)}
                elif fmt == "weights.h5":
                    # The same architecture built by Keras from the recipe, then tskeras's weights.
                    model = build_model(case["class_name"], case["kwargs"], case["shape"])
                    model.load_weights(path)
                    outcome[fmt] = {"predicted": predict(model, inputs)}
                elif fmt == "savedmodel":
                    loaded = tf.saved_model.load(path)
                    signature = loaded.signatures["serving_default"]
                    # TF lists a dict signature's keys in no set order; the inputs are in sorted-name order (a, b).
                    keywords = sorted(signature.structured_input_signature[1].keys())
                    outputs = signature(**{key: tf.constant(x) for key, x in zip(keywords, inputs)})
                    outcome["savedmodel"] = {"predicted": np.asarray(list(outputs.values())[0]).astype("float64").tolist()}
                    # TFSMLayer in its own column: its failure is not tf.saved_model.load's. It calls the
                    # `serve` endpoint, as for Keras 3's own model.export(): one argument, a tensor or a
                    # list of tensors in the model's input order (serving_default binds inputs by keyword
                    # only, so TFSMLayer cannot pass it a multi-input model's inputs).
                    fmt = "tfsmlayer"
                    layer = keras.layers.TFSMLayer(path, call_endpoint="serve")
                    via_layer = layer(inputs[0]) if len(inputs) == 1 else layer(list(inputs))
                    if isinstance(via_layer, (list, tuple)):
                        via_layer = via_layer[0]
                    outcome["tfsmlayer"] = {"predicted": np.asarray(via_layer).astype("float64").tolist()}
            except Exception as error:
                outcome[fmt] = {"error": f"{type(error).__name__}: {str(error)[:400]}"}
    compiled = manifest.get("compiled")
    if compiled:
        results["compiled"] = read_compiled(compiled)
    module = manifest.get("module")
    if module:
        results["module"] = read_module(module)
    return results


def resume(path, x, y):
    """Keras's resume path: load the compiled model, note the restored step count, two fit steps (the second one's loss)."""
    iterations = None
    try:
        model = keras.saving.load_model(path)
        iterations = int(model.optimizer.iterations.numpy())
        # The second step's loss depends on the restored optimizer state, not only on the weights.
        history = model.fit(x, y, batch_size=len(x), epochs=2, shuffle=False, verbose=0)
        return {"iterations": iterations, "loss": float(history.history["loss"][1]), "optimizer": type(model.optimizer).__name__}
    except Exception as error:
        return {"error": f"{type(error).__name__}: {str(error)[:400]}", "iterations": iterations}


def keras_own_h5(path, x, y):
    """Keras's own compiled .h5 of the same model: tskeras's weights, optimizer and loss, three fit steps, saved by Keras."""
    import h5py

    model = keras.saving.load_model(path, compile=False)
    with h5py.File(path, "r") as f:
        training = json.loads(f.attrs["training_config"])
    model.compile(optimizer=keras.optimizers.deserialize(training["optimizer_config"]), loss=training["loss"])
    model.fit(x, y, batch_size=len(x), epochs=3, shuffle=False, verbose=0)
    own = path[: -len(".h5")] + ".keras-own.h5"
    model.save(own)
    return own


def read_compiled(compiled):
    """A compiled, trained tskeras model: optimizer state restored, then two more fit steps (the second one's loss).
    For .h5, Keras's own .h5 of the same model goes through the same resume path, to compare against."""
    outcome = {}
    x = np.asarray(compiled["x"], dtype="float32")
    y = np.asarray(compiled["y"], dtype="float32")
    for fmt, path in compiled["files"].items():
        outcome[fmt] = resume(path, x, y)
        if fmt.endswith("|h5"):
            try:
                outcome[fmt]["keras_own"] = resume(keras_own_h5(path, x, y), x, y)
            except Exception as error:
                outcome[fmt]["keras_own"] = {"error": f"writing Keras's own .h5 failed: {type(error).__name__}: {str(error)[:300]}"}
    return outcome


def read_module(module):
    outcome = {}
    try:
        loaded = tf.saved_model.load(module["savedmodel"])
        x = tf.constant(np.asarray(module["inputs"], dtype="float32"))
        outputs = loaded.signatures["serving_default"](x=x)
        outcome["savedmodel"] = {"predicted": np.asarray(list(outputs.values())[0]).astype("float64").tolist()}
    except Exception as error:
        outcome["savedmodel"] = {"error": f"{type(error).__name__}: {str(error)[:400]}"}
    try:
        reader = tf.train.load_checkpoint(module["checkpoint"])
        names = reader.get_variable_to_shape_map()
        values = {}
        for key in ("w", "b"):
            full = f"{key}/.ATTRIBUTES/VARIABLE_VALUE"
            values[key] = reader.get_tensor(full).astype("float64").ravel().tolist() if full in names else None
        outcome["checkpoint"] = {"variables": values, "keys": sorted(names)}
    except Exception as error:
        outcome["checkpoint"] = {"error": f"{type(error).__name__}: {str(error)[:400]}"}
    return outcome


if __name__ == "__main__":
    phase, target = sys.argv[1], sys.argv[2]
    document = write(target) if phase == "write" else read(target)
    print(json.dumps(document))
