# Side-by-side check of Featherweight's quantized PaddleOCR models against onnxruntime.quantization
# (Python onnx + onnxruntime >= 1.20). Inputs come from scripts/reference/prepare.ts (.reference/);
# results go to $OUT/results.json. Every model, ours and the references, runs on ORT's CPU provider
# on the same inputs; ours also pass onnx.checker (full check). Our int8-weight weights are compared
# element by element with an independent numpy fake quantization (round half to even).
import os, sys, json, time, glob, traceback, shutil
import numpy as np, onnx, onnxruntime as ort
import onnx.version_converter, onnx.checker
from onnx import numpy_helper, helper, TensorProto
T0 = time.time()
OUT = os.environ.get('OUT', '/tmp/out'); os.makedirs(OUT, exist_ok=True)
B = os.environ.get('REFERENCE_DIR', '.reference'); W = '/tmp/featherweight-reference'; os.makedirs(W, exist_ok=True)
R = {'versions': {'onnx': onnx.__version__, 'ort': ort.__version__, 'numpy': np.__version__}}
def save(): json.dump(R, open(f'{OUT}/results.json', 'w'), indent=1, default=str)
def log(*a): print(f'[{time.time()-T0:6.1f}s]', *a, flush=True)
def inputs(key, sub):
    fs = sorted(glob.glob(f'{B}/{key}/{sub}/*.npy'), key=lambda p: int(os.path.basename(p)[:-4]))
    return [np.load(f) for f in fs]
def sess(m):
    so = ort.SessionOptions(); so.intra_op_num_threads = 8
    src = m.SerializeToString() if isinstance(m, onnx.ModelProto) else m
    return ort.InferenceSession(src, so, providers=['CPUExecutionProvider'])
def with_logits(m):
    m = onnx.ModelProto.FromString(m.SerializeToString()) if isinstance(m, onnx.ModelProto) else onnx.load(m)
    out0 = m.graph.output[0].name
    prod = [n for n in m.graph.node if out0 in n.output]
    logit = prod[0].input[0] if prod else None
    if logit and logit not in [o.name for o in m.graph.output] and any(logit in n.output for n in m.graph.node):
        m.graph.output.append(helper.make_tensor_value_info(logit, TensorProto.FLOAT, None))
    else: logit = None
    return m, out0, logit
def run(m, xs):
    s = sess(m); name = s.get_inputs()[0].name; outs = [o.name for o in s.get_outputs()]
    res = {o: [] for o in outs}
    for x in xs:
        for o, v in zip(outs, s.run(None, {name: x})): res[o].append(np.asarray(v, dtype=np.float64).ravel())
    return {o: np.concatenate(v) for o, v in res.items()}
def cos(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return float(a @ b / (na * nb)) if na > 0 and nb > 0 else float('nan')
def sqnr(a, b):
    e = np.sum((a - b) ** 2); return float(10 * np.log10(np.sum(a * a) / e)) if e > 0 else float('inf')
def hist(m):
    h = {}
    for n in m.graph.node: h[n.op_type] = h.get(n.op_type, 0) + 1
    return h
def metrics(ref, m, out0, logit):
    try:
        mm, o0, lg = with_logits(m); got = run(mm, EVAL)
    except Exception:  # the logits tensor may not be float32 in this model: compare the output alone
        lg = None; got = run(m, EVAL)
    r = {'output_cosine': cos(ref[out0], got[out0]), 'output_sqnr_db': sqnr(ref[out0], got[out0])}
    if logit and lg == logit and logit in got and logit in ref:
        r['logits_cosine'] = cos(ref[logit], got[logit]); r['logits_sqnr_db'] = sqnr(ref[logit], got[logit])
    return r
def consts_to_initializers(m):
    m = onnx.ModelProto.FromString(m.SerializeToString())
    keep = []
    for n in m.graph.node:
        if n.op_type == 'Constant' and len(n.attribute) == 1 and n.attribute[0].name == 'value':
            t = onnx.TensorProto(); t.CopyFrom(n.attribute[0].t); t.name = n.output[0]; m.graph.initializer.append(t)
        else: keep.append(n)
    del m.graph.node[:]; m.graph.node.extend(keep)
    return m
def values(m):
    v = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    for n in m.graph.node:
        if n.op_type == 'Constant' and n.attribute and n.attribute[0].name == 'value': v[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    return v
def fake_quant(w, axis, sym):
    w = w.astype(np.float32); red = tuple(i for i in range(w.ndim) if i != axis) if axis is not None else None
    if sym:
        s = (np.max(np.abs(w), axis=red, keepdims=True) / np.float32(127)).astype(np.float32); s[s == 0] = 1
        return (np.clip(np.rint(w / s), -128, 127) * s).astype(np.float32), None
    lo = np.minimum(np.min(w, axis=red, keepdims=True), 0).astype(np.float32); hi = np.maximum(np.max(w, axis=red, keepdims=True), 0).astype(np.float32)
    s = ((hi - lo) / np.float32(255)).astype(np.float32); s[s == 0] = 1
    zp = np.clip(np.rint(np.float32(-128) - lo / s), -128, 127).astype(np.float32)
    return ((np.clip(np.rint(w / s) + zp, -128, 127) - zp) * s).astype(np.float32), None
def numpy_weight_only(m, sym, per_channel=True):
    m = consts_to_initializers(m); inits = {t.name: t for t in m.graph.initializer}; done = set(); n_q = 0
    for n in m.graph.node:
        if n.op_type in ('Conv', 'MatMul', 'Gemm') and len(n.input) > 1 and n.input[1] in inits and n.input[1] not in done:
            t = inits[n.input[1]]; w = numpy_helper.to_array(t)
            if w.dtype != np.float32 or w.size < 128 or w.ndim < 2: continue
            axis = 0 if n.op_type == 'Conv' else (w.ndim - 1 if n.op_type == 'MatMul' else (0 if any(a.name == 'transB' and a.i == 1 for a in n.attribute) else 1))
            q, _ = fake_quant(w, axis if per_channel else None, sym)
            t.CopyFrom(numpy_helper.from_array(q, t.name)); done.add(n.input[1]); n_q += 1
    return m, n_q
def dq_weights(m):
    """Our int8-weight model: every DequantizeLinear evaluated in numpy, keyed by the consuming node's name."""
    v = values(m); dq = {n.output[0]: n for n in m.graph.node if n.op_type == 'DequantizeLinear'}; out = []
    for n in m.graph.node:
        if n.op_type in ('Conv', 'MatMul', 'Gemm') and len(n.input) > 1 and n.input[1] in dq:
            d = dq[n.input[1]]; q = v[d.input[0]].astype(np.float32); s = v[d.input[1]].astype(np.float32)
            zp = v[d.input[2]].astype(np.float32) if len(d.input) > 2 and d.input[2] else np.zeros_like(s)
            axis = next((a.i for a in d.attribute if a.name == 'axis'), 1)
            if s.ndim == 1 and s.size > 1:
                shape = [1] * q.ndim; shape[axis] = -1; s = s.reshape(shape); zp = zp.reshape(shape)
            out.append(((q - zp) * s).astype(np.float32))
        elif n.op_type in ('Conv', 'MatMul', 'Gemm'): out.append(None)
    return out

MODELS = {'cls': {}, 'det': {}, 'rec': {}}
KEEP = []
for key in ['cls', 'rec', 'det']:
    try:
        log('=====', key)
        r = R.setdefault(key, {}); save()
        orig = onnx.load(f'{B}/{key}/original.onnx'); EVAL = inputs(key, 'eval'); CAL = inputs(key, 'calib')
        r['opset'] = [(o.domain, o.version) for o in orig.opset_import]; r['size'] = os.path.getsize(f'{B}/{key}/original.onnx')
        mref, out0, logit = with_logits(orig); ref = run(mref, EVAL); r['outputs'] = [out0, logit]
        # ours, checked by onnx.checker and executed by ORT's CPU provider
        for f in sorted(glob.glob(f'{B}/{key}/ours_*.onnx')):
            name = os.path.basename(f)[5:-5]; e = r.setdefault('ours', {}).setdefault(name, {'size': os.path.getsize(f)})
            try:
                m = onnx.load(f)
                try: onnx.checker.check_model(m, full_check=True); e['checker'] = 'ok'
                except Exception as ex: e['checker'] = str(ex)[:300]
                e.update(metrics(ref, m, out0, logit)); e['ops'] = hist(m)
            except Exception as ex: e['error'] = str(ex)[:400]
            log(key, 'ours', name, {k: v for k, v in e.items() if k != 'ops'}); save()
        # numpy references for weight-only int8 (round half to even, as QuantizeLinear)
        for sym in (False, True):
            for pc in (True, False):
                tag = f"numpy_int8_weight_{'sym' if sym else 'asym'}_{'channel' if pc else 'tensor'}"
                try:
                    m, nq = numpy_weight_only(orig, sym, pc); e = metrics(ref, m, out0, logit); e['tensors'] = nq; r.setdefault('ref', {})[tag] = e
                except Exception as ex: r.setdefault('ref', {})[tag] = {'error': str(ex)[:400]}
                log(key, tag, r['ref'][tag]); save()
        # our dequantized weights vs numpy's fake quant of the same weights
        for ours_name, sym in (('int8-weight', False), ('int8-weight_symmetric_true', True)):
            f = f'{B}/{key}/ours_{ours_name}.onnx'
            if not os.path.exists(f): continue
            try:
                ow = dq_weights(onnx.load(f)); ov = values(orig); maxd = 0.0; diff = 0; total = 0; steps = 0.0
                wnodes = [n for n in orig.graph.node if n.op_type in ('Conv', 'MatMul', 'Gemm')]
                assert len(wnodes) == len(ow), (len(wnodes), len(ow))
                for n, dqw in zip(wnodes, ow):
                    if dqw is not None and n.input[1] in ov:
                        w = ov[n.input[1]]; axis = 0 if n.op_type == 'Conv' else (w.ndim - 1 if n.op_type == 'MatMul' else 1)
                        q, _ = fake_quant(w, axis, sym); d = np.abs(q - dqw); total += d.size
                        red = tuple(i for i in range(w.ndim) if i != axis); s = (np.max(w, axis=red, keepdims=True) - np.min(w, axis=red, keepdims=True)) / 255
                        diff += int(np.sum(d > 1e-6 * np.maximum(1, np.abs(q)))); maxd = max(maxd, float(d.max())); steps = max(steps, float(np.max(d / np.maximum(s, 1e-30))))
                r.setdefault('weights_vs_numpy', {})[ours_name] = {'tensors': sum(x is not None for x in ow), 'elements': total, 'differing': diff, 'max_abs_diff': maxd, 'max_diff_in_steps': steps}
            except Exception as ex: r.setdefault('weights_vs_numpy', {})[ours_name] = {'error': traceback.format_exc()[-600:]}
            log(key, 'weights_vs_numpy', ours_name, r['weights_vs_numpy'][ours_name]); save()
        # onnxruntime.quantization references, on the model with Constant weights moved to initializers at opset 13
        from onnxruntime.quantization import quantize_dynamic, quantize_static, QuantType, QuantFormat, CalibrationMethod, CalibrationDataReader
        prep = consts_to_initializers(orig)
        if max(o.version for o in prep.opset_import if o.domain in ('', 'ai.onnx')) < 13:
            prep = onnx.version_converter.convert_version(prep, 13)
        pp = f'{W}/{key}_prep.onnx'; onnx.save(prep, pp)
        r.setdefault('ref', {})['prep_opset13'] = metrics(ref, prep, out0, logit); log(key, 'prep', r['ref']['prep_opset13'])
        try:
            from onnxruntime.quantization.shape_inference import quant_pre_process
            quant_pre_process(pp, f'{W}/{key}_pre.onnx', skip_symbolic_shape=True); pre = f'{W}/{key}_pre.onnx'
            r['ref']['quant_pre_process'] = {**metrics(ref, onnx.load(pre), out0, logit), 'ops': hist(onnx.load(pre))}
        except Exception as ex: pre = pp; r['ref']['quant_pre_process'] = {'error': str(ex)[:300]}
        log(key, 'pre', r['ref']['quant_pre_process'])
        class Reader(CalibrationDataReader):
            def __init__(s, name): s.it = iter([{name: x} for x in CAL])
            def get_next(s): return next(s.it, None)
        in_name = prep.graph.input[0].name
        jobs = []
        for wt in ('QInt8', 'QUInt8'):
            jobs.append((f'ort_dynamic_{wt}', lambda o, wt=wt: quantize_dynamic(pp, o, per_channel=True, weight_type=getattr(QuantType, wt))))
        for cm in ('MinMax', 'Percentile', 'Entropy'):
            for src, tag in ((pp, ''), (pre, '_pre')):
                jobs.append((f'ort_static_qdq_{cm}{tag}', lambda o, cm=cm, src=src: quantize_static(src, o, Reader(in_name), quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, calibrate_method=getattr(CalibrationMethod, cm))))
        def fp16(o):
            from onnxruntime.transformers.float16 import convert_float_to_float16
            onnx.save(convert_float_to_float16(onnx.load(pp), keep_io_types=True), o)
        jobs.append(('ort_fp16', fp16))
        def nbits(o):
            try: from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer as Q
            except ImportError: from onnxruntime.quantization.matmul_4bits_quantizer import MatMul4BitsQuantizer as Q
            q = Q(onnx.load(pp), block_size=32, is_symmetric=True); q.process(); q.model.save_model_to_file(o, False)
        jobs.append(('ort_int4_block32', nbits))
        for tag, fn in jobs:
            if time.time() - T0 > 330: r['ref'][tag] = {'error': 'skipped for time'}; continue
            o = f'{W}/{key}_{tag}.onnx'; t1 = time.time()
            try:
                fn(o); m = onnx.load(o); e = {'size': os.path.getsize(o), 'seconds': round(time.time() - t1, 2), **metrics(ref, m, out0, logit), 'ops': hist(m)}
                KEEP.append((key, tag, o))
            except Exception as ex: e = {'error': traceback.format_exc()[-500:]}
            r['ref'][tag] = e; log(key, tag, {k: v for k, v in e.items() if k != 'ops'}); save()
    except Exception:
        R.setdefault(key, {})['fatal'] = traceback.format_exc()[-800:]; log(key, 'FATAL', R[key]['fatal']); save()
# bring back the reference models worth running in onnxruntime-web here (6 at most, 16 MB each)
want = [('rec', 'ort_static_qdq_Percentile_pre'), ('det', 'ort_static_qdq_Percentile_pre'), ('rec', 'ort_dynamic_QUInt8'), ('det', 'ort_dynamic_QUInt8'), ('rec', 'ort_int4_block32'), ('cls', 'ort_static_qdq_Percentile_pre')]
for key, tag, o in KEEP:
    if (key, tag) in want and os.path.getsize(o) < 16e6: shutil.copy(o, f'{OUT}/{key}_{tag}.onnx')
save(); log('done')
