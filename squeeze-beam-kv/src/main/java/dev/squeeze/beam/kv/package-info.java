/**
 * KV caches of a corpus pre-computed as an Apache Beam transform (CacheGen / LMCache style):
 * {@link dev.squeeze.beam.kv.PrecomputeKvCaches} prefills each document with the model (loaded once per DoFn
 * instance) and stores its CacheGen chunks in a {@link dev.squeeze.cachegen.store.KvStore} under the content
 * addresses {@link dev.squeeze.cachegen.KvPrefixCache} serves from; {@link dev.squeeze.beam.kv.BatchKv} is the job.
 */
@NullMarked
package dev.squeeze.beam.kv;

import org.jspecify.annotations.NullMarked;
