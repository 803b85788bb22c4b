/**
 * Corpus-scale prompt compression as Apache Beam transforms: {@link dev.squeeze.beam.ReadDocuments} (JSONL records
 * from a file glob), {@link dev.squeeze.beam.CompressDocuments} (any squeeze-text method, one compressor per DoFn
 * instance, per-record failures to a dead-letter output) and {@link dev.squeeze.beam.BatchCompress} (the whole job
 * behind {@code squeeze batch compress} and the spark-submit job jar).
 */
@NullMarked
package dev.squeeze.beam;

import org.jspecify.annotations.NullMarked;
