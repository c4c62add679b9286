/**
 * The Spark side of Corpus Encoder: the spark-submit job and the Spark ML Transformer that run
 * model-core's encoder over a corpus with mapPartitions. Built in issue 3; this module exists now so
 * that the build's layout is final.
 */
package io.corpusencoder.spark;
