/** The onnxruntime-web execution backends the studio and the CLI run models on. */
export type Backend = 'wasm' | 'webgpu';
