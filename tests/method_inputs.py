"""Inputs and helpers of the tests of methods: the common checks over every method
(tests/test_method_checks.py) and each method's own tests (tests/test_methods.py)."""

import hashlib
import tempfile
from pathlib import Path

import numpy as np
from external import write_external

from segsweep.fit import methods

#: Where the tests keep the files a method that reads its own (precomputed) is given.
EXTERNAL = Path(tempfile.gettempdir()) / "segsweep-tests-external"


def create(name, value, seed, params, image):
    """``methods.create`` for a test fit on ``image`` (H, W, C). A method that reads files
    of its own (``precomputed``) reads a contour map of ``image`` (tests/external.py)
    unless ``params`` names another folder."""
    model = methods.create(name, value, seed, params)
    if model.needs_image_name:
        model.image_name = "image"
        if "folder" not in params or params["folder"] == model.defaults()["folder"]:
            image = np.asarray(image)
            digest = hashlib.sha256(image.tobytes() + str(image.shape).encode()).hexdigest()
            model.folder = write_external(EXTERNAL / digest[:16], "image", image)
    return model


def object_on_plain_ground():
    rng = np.random.default_rng(0)
    truth = np.zeros((40, 50), int)
    truth[10:30, 15:40] = 1
    colours = np.array([[0.8, 0.85, 0.9], [0.6, 0.3, 0.1]])
    image = colours[truth] + rng.normal(0, 0.01, (40, 50, 3))
    return image.astype(np.float32), truth


def graded_patches(shape=(48, 72), seed=0):
    """A 4 x 6 grid of flat patches whose neighbours differ by graded amounts (from barely
    to clearly), with a little noise: an input on which every scale of a region method
    finds another number of regions."""
    rng = np.random.default_rng(seed)
    yy, xx = np.indices(shape)
    cell = (yy * 4 // shape[0]) * 6 + xx * 6 // shape[1]
    levels = np.cumsum(rng.uniform(0.01, 0.12, (24, 3)), axis=0)
    image = (levels / levels.max(axis=0))[cell] + rng.normal(0, 0.01, (*shape, 3))
    return image.astype(np.float32)


def noise_image(shape=(48, 72), seed=0):
    """Uniform colour noise: no structure, so a clustering has many local optima (where
    more initialisations find a better one) and superpixels are shaped by compactness."""
    return np.random.default_rng(seed).uniform(0, 1, (*shape, 3)).astype(np.float32)


#: The images of ``methods.CHECK_INPUTS``, by name.
CHECK_INPUTS = {"graded patches": graded_patches, "colour noise": noise_image}


def checks(name: str) -> methods.CheckCase:
    """The method's declared :class:`~segsweep.fit.methods.CheckCase`."""
    return methods.get_method(name).checks


def quicker(name: str, **params) -> dict:
    """``params`` over the settings that make the method's test fits quicker."""
    return {**checks(name).quicker, **params}


def fit_fingerprint(name, value, params, make_image=graded_patches):
    """What a fit leaves behind: its labels, its summary and every fitted attribute
    (scikit-learn's trailing underscore), its own and its library model's, after
    refinement when the method refines."""
    cls = methods.get_method(name)
    image = make_image()
    if cls.supported_spaces == ("grey",):
        image = image.mean(axis=-1, keepdims=True)
    data = image if cls.input_kind == "image" else image.reshape(-1, image.shape[-1])
    params = quicker(name, **params)
    model = create(name, value, 0, methods.resolve_params(name, params), image)
    model.fit(data[::2] if cls.input_kind == "pixels" else data)  # a sample, as in a sweep
    if hasattr(model, "refine"):
        model.refine(data)
    found = {"labels": np.asarray(model.predict(data)).tobytes()}
    if hasattr(model, "fit_summary"):
        found["summary"] = repr(model.fit_summary())
    for owner in (model, getattr(model, "model_", None)):
        for key, attribute in getattr(owner, "__dict__", {}).items():
            if key.endswith("_") and not key.startswith("_") and key != "model_":
                found[f"{type(owner).__name__}.{key}"] = repr(np.asarray(attribute).tolist())
    return found
