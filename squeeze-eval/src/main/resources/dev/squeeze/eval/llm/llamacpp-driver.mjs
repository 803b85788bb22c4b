// Drives llama.cpp (the prebuilt CPU build of node-llama-cpp) for `squeeze bench llm-vs-llamacpp`.
// It runs from the folder node-llama-cpp was installed into. Protocol: one JSON command per line on stdin, one JSON answer per line on stdout ({"ok":false,"error":...} on failure).
//   {"cmd":"info"}                                        -> versions and llama.cpp's system info
//   {"cmd":"load","model":PATH,"threads":N,"context":N,"batch":N}
//   {"cmd":"run","prompt":[ids],"decode":N}               -> prompt processing, then N greedy decode steps, timed apart
//   {"cmd":"probs","prompt":[ids],"steps":N}              -> greedy tokens and each step's full next-token distribution
//   {"cmd":"unload"} | {"cmd":"exit"}
// Timing: the prompt's time runs to its first sampled token (the prompt batch plus one greedy pick); each decode step
// is one single-token evaluation plus its greedy pick, as a Squeeze step is.
import {getLlama, LlamaLogLevel} from "node-llama-cpp";
import {createInterface} from "node:readline";
import {readFileSync} from "node:fs";

const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
let model = null, context = null, sequence = null;

function reply(o) { process.stdout.write(JSON.stringify(o) + "\n"); }

async function unload() {
  if (context) await context.dispose();
  if (model) await model.dispose();
  model = context = sequence = null;
}

async function handle(c) {
  switch (c.cmd) {
    case "info": {
      const pkg = new URL("./node_modules/node-llama-cpp/package.json", import.meta.url);
      return {node: process.version, nodeLlamaCpp: JSON.parse(readFileSync(pkg, "utf8")).version,
              llamaCpp: llama.llamaCppRelease, buildType: llama.buildType, gpu: llama.gpu, systemInfo: llama.systemInfo};
    }
    case "load": {
      await unload();
      const t0 = performance.now();
      model = await llama.loadModel({modelPath: c.model, gpuLayers: 0, useMmap: true});
      context = await model.createContext({contextSize: c.context, batchSize: c.batch, threads: c.threads, sequences: 1});
      sequence = context.getSequence();
      return {loadMs: performance.now() - t0, threads: context.currentThreads ?? c.threads};
    }
    case "run": {
      await sequence.clearHistory();
      const tokens = [];
      const t0 = performance.now();
      const gen = sequence.evaluate(c.prompt, {temperature: 0});
      let r = await gen.next();
      const t1 = performance.now();
      tokens.push(r.value);
      for (let i = 0; i < c.decode; i++) {
        r = await gen.next();
        tokens.push(r.value);
      }
      const t2 = performance.now();
      await gen.return();
      return {promptMs: t1 - t0, decodeMs: t2 - t1, tokens};
    }
    case "probs": {
      await sequence.clearHistory();
      const tokens = [], probs = [];
      for await (const r of sequence.evaluateWithMetadata(c.prompt, {probabilities: true}, {temperature: 0})) {
        const p = new Float64Array(c.vocab);
        for (const [t, v] of r.probabilities) if (t < c.vocab) p[t] = v;
        tokens.push(r.token);
        probs.push(Buffer.from(p.buffer).toString("base64"));
        if (tokens.length >= c.steps) break;
      }
      return {tokens, probs};
    }
    case "unload": await unload(); return {};
    case "exit": await unload(); reply({ok: true}); process.exit(0);
    default: throw new Error("unknown command '" + c.cmd + "'");
  }
}

const lines = createInterface({input: process.stdin});
for await (const line of lines) {
  if (!line.trim()) continue;
  try {
    reply({ok: true, ...(await handle(JSON.parse(line)))});
  } catch (e) {
    reply({ok: false, error: String(e && e.stack || e)});
  }
}
await unload();
