/** The simplify-vs-onnxsim section of `npm run bench` alone: `npx tsx tests/bench/simplify-only.ts [--rounds N]`. */
import { exposeGc } from './measure';
import { benchSimplify } from './simplify-vs-onnxsim';

const at = process.argv.indexOf('--rounds');
const rounds = at >= 0 ? Number(process.argv[at + 1]) : 5;
void benchSimplify(rounds, exposeGc());
