"""corpus_encoder.TextEncoder: the JVM Transformer io.corpusencoder.spark.ml.TextEncoder in PySpark."""

import sys
from typing import Any, Dict, Union

from pyspark import keyword_only
from pyspark.ml.param import Param, Params, TypeConverters
from pyspark.ml.param.shared import HasInputCol, HasOutputCol
from pyspark.ml.util import JavaMLReadable, JavaMLWritable
from pyspark.ml.wrapper import JavaTransformer

JAVA_CLASS = "io.corpusencoder.spark.ml.TextEncoder"
JAVA_PACKAGE = JAVA_CLASS.rsplit(".", 1)[0]


def _true_false_or_model(value: Any) -> str:
    """normalize: True/False or "true" | "false" | "model" (the Java Param is a string)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value in ("true", "false", "model"):
        return value
    raise TypeError(f"normalize: {value!r} is not True, False, 'true', 'false' or 'model'")


class TextEncoder(
    JavaTransformer, HasInputCol, HasOutputCol, JavaMLReadable["TextEncoder"], JavaMLWritable
):
    """
    Appends an embedding column (array<float>) for a text column through the job's own encoder,
    with the job's settings and defaults, so a row's vector has the bits of the job's (a text
    longer than ``maxLength`` is encoded in chunks and gets the mean of their vectors;
    ``longText="truncate"`` keeps its first window). A null text gets a null vector, and its
    reason in ``errorCol`` when set. The model is loaded on the driver and broadcast.

    >>> from corpus_encoder import TextEncoder
    >>> encoder = TextEncoder(inputCol="text", outputCol="embedding", model="all-minilm-l6-v2")
    >>> df = spark.createDataFrame([("a small text",)], ["text"])
    >>> len(encoder.transform(df).head().embedding)
    384
    """

    # PySpark maps Python classes to Java ones by module path: JavaMLReader, and Spark Connect's
    # reader, take the Java class from __module__ + __name__, and PipelineModel.load imports the
    # Java class name as a Python module (JavaParams._from_java). So the class lives, for PySpark,
    # in a module named as the Java package, which _alias_java_package registers.
    __module__ = JAVA_PACKAGE

    _input_kwargs: Dict[str, Any]

    model = Param(
        Params._dummy(),
        "model",
        "model short name, Hugging Face directory or .onnx file",
        typeConverter=TypeConverters.toString,
    )
    pooling = Param(
        Params._dummy(), "pooling", "mean | cls | max | model", typeConverter=TypeConverters.toString
    )
    normalize = Param(
        Params._dummy(), "normalize", "true | false | model", typeConverter=_true_false_or_model
    )
    maxLength = Param(
        Params._dummy(),
        "maxLength",
        "tokens per text (0 = the model's)",
        typeConverter=TypeConverters.toInt,
    )
    stride = Param(
        Params._dummy(),
        "stride",
        "tokens shared by consecutive chunks of a long text",
        typeConverter=TypeConverters.toInt,
    )
    longText = Param(
        Params._dummy(),
        "longText",
        "texts longer than maxLength: chunk (the mean of their chunks' vectors) | truncate",
        typeConverter=TypeConverters.toString,
    )
    batchSize = Param(
        Params._dummy(), "batchSize", "texts per forward pass", typeConverter=TypeConverters.toInt
    )
    batchTokens = Param(
        Params._dummy(),
        "batchTokens",
        "real tokens per forward pass",
        typeConverter=TypeConverters.toInt,
    )

    sortWindow = Param(
        Params._dummy(),
        "sortWindow",
        "rows buffered per task and sorted by length before batching",
        typeConverter=TypeConverters.toInt,
    )
    prompt = Param(
        Params._dummy(),
        "prompt",
        "a prompt the model declares (e.g. query, passage) | model (its default) | none",
        typeConverter=TypeConverters.toString,
    )
    promptText = Param(
        Params._dummy(),
        "promptText",
        "a prompt's text put before every text, e.g. 'query: ' (empty: not given)",
        typeConverter=TypeConverters.toString,
    )
    dimensions = Param(
        Params._dummy(),
        "dimensions",
        "keep the first N values of each vector (Matryoshka), re-normalized (0 = all)",
        typeConverter=TypeConverters.toInt,
    )
    nTokensCol = Param(
        Params._dummy(),
        "nTokensCol",
        "column for the tokens the model saw over all chunks (empty: none)",
        typeConverter=TypeConverters.toString,
    )
    truncatedCol = Param(
        Params._dummy(),
        "truncatedCol",
        "column saying whether the text was cut (longText=truncate only; empty: none)",
        typeConverter=TypeConverters.toString,
    )
    errorCol = Param(
        Params._dummy(),
        "errorCol",
        "column for why a row got no vector (empty: none)",
        typeConverter=TypeConverters.toString,
    )

    @keyword_only
    def __init__(
        self,
        *,
        inputCol: str = "text",
        outputCol: str = "embedding",
        model: str = "all-minilm-l6-v2",
        pooling: str = "model",
        normalize: Union[bool, str] = "model",
        maxLength: int = 0,
        stride: int = 0,
        longText: str = "chunk",
        batchSize: int = 64,
        batchTokens: int = 4096,
        sortWindow: int = 1024,
        prompt: str = "model",
        promptText: str = "",
        dimensions: int = 0,
        nTokensCol: str = "",
        truncatedCol: str = "",
        errorCol: str = "",
    ):
        super().__init__()
        self._java_obj = self._new_java_obj(JAVA_CLASS, self.uid)
        self._setDefault(
            inputCol="text",
            outputCol="embedding",
            model="all-minilm-l6-v2",
            pooling="model",
            normalize="model",
            maxLength=0,
            stride=0,
            longText="chunk",
            batchSize=64,
            batchTokens=4096,
            sortWindow=1024,
            prompt="model",
            promptText="",
            dimensions=0,
            nTokensCol="",
            truncatedCol="",
            errorCol="",
        )
        self.setParams(**self._input_kwargs)

    @keyword_only
    def setParams(
        self,
        *,
        inputCol: str = "text",
        outputCol: str = "embedding",
        model: str = "all-minilm-l6-v2",
        pooling: str = "model",
        normalize: Union[bool, str] = "model",
        maxLength: int = 0,
        stride: int = 0,
        longText: str = "chunk",
        batchSize: int = 64,
        batchTokens: int = 4096,
        sortWindow: int = 1024,
        prompt: str = "model",
        promptText: str = "",
        dimensions: int = 0,
        nTokensCol: str = "",
        truncatedCol: str = "",
        errorCol: str = "",
    ) -> "TextEncoder":
        """Sets the given params (keyword arguments only)."""
        return self._set(**self._input_kwargs)

    def setInputCol(self, value: str) -> "TextEncoder":
        return self._set(inputCol=value)

    def setOutputCol(self, value: str) -> "TextEncoder":
        return self._set(outputCol=value)

    def setModel(self, value: str) -> "TextEncoder":
        return self._set(model=value)

    def getModel(self) -> str:
        return self.getOrDefault(self.model)

    def setPooling(self, value: str) -> "TextEncoder":
        return self._set(pooling=value)

    def getPooling(self) -> str:
        return self.getOrDefault(self.pooling)

    def setPrompt(self, value: str) -> "TextEncoder":
        return self._set(prompt=value)

    def getPrompt(self) -> str:
        return self.getOrDefault(self.prompt)

    def setPromptText(self, value: str) -> "TextEncoder":
        return self._set(promptText=value)

    def getPromptText(self) -> str:
        return self.getOrDefault(self.promptText)

    def setDimensions(self, value: int) -> "TextEncoder":
        return self._set(dimensions=value)

    def getDimensions(self) -> int:
        return self.getOrDefault(self.dimensions)

    def setNormalize(self, value: Union[bool, str]) -> "TextEncoder":
        return self._set(normalize=value)

    def getNormalize(self) -> str:
        return self.getOrDefault(self.normalize)

    def setMaxLength(self, value: int) -> "TextEncoder":
        return self._set(maxLength=value)

    def getMaxLength(self) -> int:
        return self.getOrDefault(self.maxLength)

    def setStride(self, value: int) -> "TextEncoder":
        return self._set(stride=value)

    def getStride(self) -> int:
        return self.getOrDefault(self.stride)

    def setLongText(self, value: str) -> "TextEncoder":
        return self._set(longText=value)

    def getLongText(self) -> str:
        return self.getOrDefault(self.longText)

    def setSortWindow(self, value: int) -> "TextEncoder":
        return self._set(sortWindow=value)

    def getSortWindow(self) -> int:
        return self.getOrDefault(self.sortWindow)

    def setNTokensCol(self, value: str) -> "TextEncoder":
        return self._set(nTokensCol=value)

    def getNTokensCol(self) -> str:
        return self.getOrDefault(self.nTokensCol)

    def setTruncatedCol(self, value: str) -> "TextEncoder":
        return self._set(truncatedCol=value)

    def getTruncatedCol(self) -> str:
        return self.getOrDefault(self.truncatedCol)

    def setErrorCol(self, value: str) -> "TextEncoder":
        return self._set(errorCol=value)

    def getErrorCol(self) -> str:
        return self.getOrDefault(self.errorCol)

    def setBatchSize(self, value: int) -> "TextEncoder":
        return self._set(batchSize=value)

    def getBatchSize(self) -> int:
        return self.getOrDefault(self.batchSize)

    def setBatchTokens(self, value: int) -> "TextEncoder":
        return self._set(batchTokens=value)

    def getBatchTokens(self) -> int:
        return self.getOrDefault(self.batchTokens)


def _alias_java_package() -> None:
    """Makes the Java package's name import this module (see TextEncoder.__module__)."""
    sys.modules.setdefault(JAVA_PACKAGE, sys.modules[__name__])


_alias_java_package()
