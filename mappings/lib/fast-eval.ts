/**
 * A synchronous evaluator for the part of JSONata our hot mappings use, compiled once from the
 * parsed expression into closures. JSONata 2 evaluates every node through promises, which cost
 * about 0.3 ms per invoice on the pipeline's path; this gives the same result without them.
 *
 * It is an accelerator, never the authority:
 * - `compileFast` gives null for an expression with anything outside the subset (filters,
 *   lambdas, sorting, regexes, parent/focus/index bindings, unknown functions…); the engine then
 *   uses JSONata alone.
 * - At evaluation, anything unusual (a type a function or operator would reject, an error thrown
 *   by a helper, an array where one value is expected) throws `FAST_PATH_DECLINED`, and the
 *   engine evaluates the same input with JSONata, which gives the result or the error it always
 *   gave. So the fast path only answers where its answer is JSONata's, and the differential tests
 *   (`test/unit/mappings/fast-eval.test.ts`) hold it to that.
 *
 * Each function below mirrors the JSONata 2.2 function of the same name (jsonata.js), down to
 * its sequence handling: a path's results are "sequences" (arrays flagged `sequence`), a sequence
 * of one is its only item and an empty one is undefined.
 */

class FastPathDeclined extends Error {
  override readonly name = 'FastPathDeclined';
}

/** Thrown (always this one instance: no stack to capture) when the fast path leaves an input to JSONata. */
export const FAST_PATH_DECLINED: Error = new FastPathDeclined('left to JSONata');

type Value = unknown;
type Compiled = (input: Value, frame: Frame) => Value;
type Helper = (...args: unknown[]) => unknown;

interface AstNode {
  type: string;
  value?: unknown;
  steps?: AstNode[];
  expressions?: AstNode[];
  lhs?: AstNode | [AstNode, AstNode][];
  rhs?: AstNode;
  condition?: AstNode;
  then?: AstNode;
  else?: AstNode;
  expression?: AstNode;
  procedure?: AstNode;
  arguments?: AstNode[];
  consarray?: boolean;
  [flag: string]: unknown;
}

/** Flags of parts of JSONata this evaluator does not implement: a node carrying one is refused. */
const UNSUPPORTED_FLAGS = [
  'predicate',
  'stages',
  'group',
  'keepArray',
  'keepSingletonArray',
  'focus',
  'index',
  'tuple',
  'ancestor',
  'seekingParent',
];

class Unsupported extends Error {}

function decline(): never {
  throw FAST_PATH_DECLINED;
}

class Frame {
  private readonly vars = new Map<string, Value>();
  private readonly parent: Frame | null;
  constructor(parent: Frame | null) {
    this.parent = parent;
  }
  bind(name: string, value: Value): void {
    this.vars.set(name, value);
  }
  lookup(name: string): Value {
    if (this.vars.has(name)) return this.vars.get(name);
    return this.parent === null ? undefined : this.parent.lookup(name);
  }
}

type Sequence = Value[] & { sequence?: boolean; cons?: boolean };

function sequence(): Sequence {
  const s: Sequence = [];
  s.sequence = true;
  return s;
}

function sequenceOf(value: Value): Sequence {
  const s = sequence();
  s.push(value);
  return s;
}

function isSequence(value: Value): value is Sequence {
  return Array.isArray(value) && (value as Sequence).sequence === true;
}

/** What `evaluate` does to every node's result: an empty sequence is undefined, one of one its item. */
function settle(result: Value): Value {
  if (isSequence(result)) {
    if (result.length === 0) return undefined;
    if (result.length === 1) return result[0];
  }
  return result;
}

/** JSONata's isNumeric, declining where it would throw D1001 (an infinite number). */
function isNumeric(n: Value): n is number {
  if (typeof n !== 'number' || Number.isNaN(n)) return false;
  if (!Number.isFinite(n)) decline();
  return true;
}

/** An object JSONata takes for a function (it looks for these two flags): left to JSONata. */
function declineFunctionLike(value: object): void {
  const flags = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  if (flags._jsonata_function === true || flags._jsonata_lambda === true) decline();
}

function isRecord(value: Value): value is Record<string, Value> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  declineFunctionLike(value);
  return true;
}

function lookup(input: Value, key: string): Value {
  if (Array.isArray(input)) {
    const result = sequence();
    for (const item of input) {
      const res = lookup(item, key);
      if (res === undefined) continue;
      if (Array.isArray(res)) for (const v of res) result.push(v);
      else result.push(res);
    }
    return result;
  }
  if (input === null || typeof input !== 'object') return undefined;
  declineFunctionLike(input);
  return Object.hasOwn(input, key) ? (input as Record<string, Value>)[key] : undefined;
}

function toBoolean(arg: Value): boolean | undefined {
  if (arg === undefined) return undefined;
  if (Array.isArray(arg)) {
    if (arg.length === 1) return toBoolean(arg[0]);
    return arg.length > 1 && arg.some((v) => toBoolean(v));
  }
  if (typeof arg === 'string') return arg.length > 0;
  if (isNumeric(arg)) return arg !== 0;
  if (isRecord(arg)) return Object.keys(arg).length > 0;
  return arg === true;
}

function isDeepEqual(lhs: Value, rhs: Value): boolean {
  if (lhs === rhs) return true;
  if (typeof lhs !== 'object' || typeof rhs !== 'object' || lhs === null || rhs === null) {
    return false;
  }
  if (Array.isArray(lhs) && Array.isArray(rhs)) {
    return lhs.length === rhs.length && lhs.every((v, i) => isDeepEqual(v, rhs[i]));
  }
  if (Array.isArray(lhs) || Array.isArray(rhs)) decline();
  const lkeys = Object.getOwnPropertyNames(lhs).sort();
  const rkeys = Object.getOwnPropertyNames(rhs).sort();
  if (lkeys.length !== rkeys.length || lkeys.some((k, i) => k !== rkeys[i])) return false;
  return lkeys.every((k) =>
    isDeepEqual((lhs as Record<string, Value>)[k], (rhs as Record<string, Value>)[k]),
  );
}

/** `fn.append`: undefined is dropped, a non-array becomes an array of one, arrays are joined. */
function append(a: Value, b: Value): Value {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const left = Array.isArray(a) ? a : [a];
  return left.concat(Array.isArray(b) ? b : [b]);
}

/** `fn.string` for strings and integers; anything else is left to JSONata. */
function toText(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return JSON.stringify(value);
  return decline();
}

function numeric(op: string, lhs: Value, rhs: Value): Value {
  if (lhs !== undefined && !isNumeric(lhs)) decline();
  if (rhs !== undefined && !isNumeric(rhs)) decline();
  if (lhs === undefined || rhs === undefined) return undefined;
  const l = lhs;
  const r = rhs;
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    default:
      return l % r;
  }
}

function comparison(op: string, lhs: Value, rhs: Value): Value {
  const lt = typeof lhs;
  const rt = typeof rhs;
  const comparable = (t: string): boolean => t === 'undefined' || t === 'string' || t === 'number';
  if (!comparable(lt) || !comparable(rt)) decline();
  if (lhs === undefined || rhs === undefined) return undefined;
  if (lt !== rt) decline();
  const l = lhs as string | number;
  const r = rhs as string | number;
  switch (op) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    default:
      return l >= r;
  }
}

function binary(op: string, lhs: Value, rhs: Value): Value {
  switch (op) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return numeric(op, lhs, rhs);
    case '=':
    case '!=':
      if (lhs === undefined || rhs === undefined) return false;
      return op === '=' ? isDeepEqual(lhs, rhs) : !isDeepEqual(lhs, rhs);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return comparison(op, lhs, rhs);
    case '&':
      return (lhs === undefined ? '' : toText(lhs)) + (rhs === undefined ? '' : toText(rhs));
    case 'in': {
      if (lhs === undefined || rhs === undefined) return false;
      const list = Array.isArray(rhs) ? rhs : [rhs];
      return list.some((v) => v === lhs);
    }
    default:
      return decline();
  }
}

const ISO_8601 =
  /^\d{4}(-[01]\d)?(-[0-3]\d)?(T[0-2]\d:[0-5]\d:[0-5]\d)?(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$/;

function optionalString(value: Value): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return decline();
}

function hasSurrogates(text: string): boolean {
  return /[\uD800-\uDFFF]/.test(text);
}

/**
 * JSONata's own functions that the fast path knows, each for the argument types where JSONata's
 * signature check passes them through unchanged; any other call declines. The arity is exact:
 * a missing argument would make JSONata substitute the context.
 */
const NATIVES: Readonly<Record<string, { arity: readonly number[]; call: Helper }>> = {
  type: {
    arity: [1],
    call: (v) => {
      if (v === undefined) return undefined;
      if (v === null) return 'null';
      if (isNumeric(v)) return 'number';
      if (typeof v === 'string') return 'string';
      if (typeof v === 'boolean') return 'boolean';
      if (Array.isArray(v)) return 'array';
      return isRecord(v) ? 'object' : decline();
    },
  },
  exists: { arity: [1], call: (v) => v !== undefined },
  count: {
    arity: [1],
    call: (v) => {
      if (v === undefined) return 0;
      if (typeof v === 'function' || isRecord(v)) return 1;
      return Array.isArray(v) ? v.length : 1;
    },
  },
  uppercase: {
    arity: [1],
    call: (s) => optionalString(s)?.toUpperCase(),
  },
  join: {
    arity: [1, 2],
    call: (strs, separator) => {
      const sep = optionalString(separator) ?? '';
      if (strs === undefined) return undefined;
      if (typeof strs === 'string') return strs;
      if (!Array.isArray(strs) || !strs.every((s) => typeof s === 'string')) decline();
      return strs.join(sep);
    },
  },
  replace: {
    arity: [3],
    call: (str, pattern, replacement) => {
      if (typeof pattern !== 'string' || pattern === '' || typeof replacement !== 'string') {
        decline();
      }
      const text = optionalString(str);
      return text === undefined ? undefined : text.split(pattern).join(replacement);
    },
  },
  substring: {
    arity: [2, 3],
    call: (str, start, length) => {
      const text = optionalString(str);
      if (!isNumeric(start) || (length !== undefined && !isNumeric(length))) decline();
      if (text === undefined) return undefined;
      if (hasSurrogates(text)) decline();
      let from = start;
      if (text.length + from < 0) from = 0;
      if (length === undefined) return text.slice(from);
      const n = length;
      if (n <= 0) return '';
      const end = from >= 0 ? from + n : text.length + from + n;
      return text.slice(from, end);
    },
  },
  toMillis: {
    arity: [1],
    call: (timestamp) => {
      const text = optionalString(timestamp);
      if (text === undefined) return undefined;
      if (!ISO_8601.test(text)) decline();
      return Date.parse(text);
    },
  },
  append: { arity: [2], call: append },
  merge: {
    arity: [1],
    call: (arg) => {
      if (arg === undefined) return undefined;
      const list = Array.isArray(arg) ? arg : [arg];
      const result = Object.create(null) as Record<string, Value>;
      for (const obj of list) {
        if (!isRecord(obj)) decline();
        for (const key of Object.keys(obj)) result[key] = obj[key];
      }
      return result;
    },
  },
};

/** JSONata 2.2's built-in function names: an expression that rebinds one stays with JSONata. */
const JSONATA_BUILT_INS = new Set(
  (
    'sum count max min average string substring substringBefore substringAfter lowercase ' +
    'uppercase length trim pad match contains replace split join formatNumber formatBase ' +
    'formatInteger parseInteger number floor ceil round abs sqrt power random boolean not map ' +
    'zip filter single reduce foldLeft sift keys lookup append exists spread merge reverse each ' +
    'error assert type sort shuffle distinct base64encode base64decode encodeUrlComponent ' +
    'encodeUrl decodeUrlComponent decodeUrl eval toMillis fromMillis clone now millis'
  ).split(' '),
);

interface CompileContext {
  helpers: Readonly<Record<string, Helper>>;
  /** Every variable name the expression binds with `:=`. */
  bound: Set<string>;
}

function collectBindings(node: unknown, into: Set<string>): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) collectBindings(item, into);
    return;
  }
  const n = node as AstNode;
  if (n.type === 'bind' && n.lhs && !Array.isArray(n.lhs) && typeof n.lhs.value === 'string') {
    into.add(n.lhs.value);
  }
  for (const [key, value] of Object.entries(n)) {
    if (key !== 'position') collectBindings(value, into);
  }
}

function child(node: AstNode | undefined): AstNode {
  if (node === undefined) throw new Unsupported('missing operand');
  return node;
}

function compileNode(node: AstNode, ctx: CompileContext): Compiled {
  for (const flag of UNSUPPORTED_FLAGS) {
    if (node[flag] !== undefined && node[flag] !== false) throw new Unsupported(flag);
  }
  const core = compileCore(node, ctx);
  return (input, frame) => settle(core(input, frame));
}

function compileCore(node: AstNode, ctx: CompileContext): Compiled {
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value': {
      const value = node.value;
      return () => value;
    }
    case 'name': {
      const key = String(node.value);
      return (input) => lookup(input, key);
    }
    case 'variable':
      return compileVariable(node, ctx);
    case 'path':
      return compilePath(node, ctx);
    case 'block':
      return compileBlock(node, ctx);
    case 'bind': {
      const lhs = node.lhs as AstNode;
      const name = String(lhs.value);
      const rhs = compileNode(child(node.rhs), ctx);
      return (input, frame) => {
        const value = rhs(input, frame);
        frame.bind(name, value);
        return value;
      };
    }
    case 'condition': {
      const condition = compileNode(child(node.condition), ctx);
      const then = compileNode(child(node.then), ctx);
      const otherwise = node.else === undefined ? null : compileNode(node.else, ctx);
      return (input, frame) => {
        if (toBoolean(condition(input, frame))) return then(input, frame);
        return otherwise === null ? undefined : otherwise(input, frame);
      };
    }
    case 'binary':
      return compileBinary(node, ctx);
    case 'unary':
      return compileUnary(node, ctx);
    case 'function':
      return compileCall(node, ctx);
    default:
      throw new Unsupported(node.type);
  }
}

function compileVariable(node: AstNode, ctx: CompileContext): Compiled {
  const name = String(node.value);
  if (name === '') return (input) => input;
  // `$$` is the root, bound as "$"; any other name must be one the expression binds itself (a
  // function used as a value, or a JSONata built-in like $now, stays with JSONata).
  if (name !== '$' && !ctx.bound.has(name)) throw new Unsupported(`$${name}`);
  return (_input, frame) => frame.lookup(name);
}

function compilePath(node: AstNode, ctx: CompileContext): Compiled {
  const steps = node.steps ?? [];
  if (steps.length === 0) throw new Unsupported('empty path');
  const fns = steps.map((step) => {
    if (step.type === 'sort') throw new Unsupported('sort');
    return compileNode(step, ctx);
  });
  const absolute = steps[0]?.type === 'variable';
  const firstIsArray = steps[0]?.consarray === true;
  const last = steps.length - 1;
  const general: Compiled = (input, frame) => {
    let inputs: Value[] = Array.isArray(input) && !absolute ? input : sequenceOf(input);
    let results: Value[] | undefined;
    for (let i = 0; i <= last; i++) {
      const fn = fns[i] as Compiled;
      if (i === 0 && firstIsArray) {
        const value = fn(inputs, frame);
        if (value !== undefined && !Array.isArray(value)) decline();
        results = value as Value[] | undefined;
      } else {
        results = step(fn, inputs, frame, i === last);
      }
      if (results === undefined || results.length === 0) break;
      inputs = results;
    }
    return results;
  };
  const first = steps[0] as AstNode;
  const simple =
    !firstIsArray &&
    (first.type === 'name' || first.type === 'variable') &&
    steps.slice(1).every((s) => s.type === 'name');
  if (!simple) return general;
  // `$inv.buyer.name`, `event.data`: while every value on the way is one object (no arrays), the
  // path is plain property access; an array anywhere takes the general sequence walk.
  const keys = steps.slice(1).map((s) => String(s.value));
  const head = fns[0] as Compiled;
  return (input, frame) => {
    if (Array.isArray(input)) return general(input, frame);
    let value = head(input, frame);
    for (const key of keys) {
      if (value === undefined) return undefined;
      if (Array.isArray(value)) return general(input, frame);
      if (value === null || typeof value !== 'object') return undefined;
      declineFunctionLike(value);
      value = Object.hasOwn(value, key) ? (value as Record<string, Value>)[key] : undefined;
    }
    return Array.isArray(value) ? general(input, frame) : value;
  };
}

/** evaluateStep: the step on each input, then the results flattened one level into a sequence. */
function step(fn: Compiled, inputs: Value[], frame: Frame, lastStep: boolean): Value[] {
  const results: Value[] = [];
  for (const item of inputs) {
    const res = fn(item, frame);
    if (res !== undefined) results.push(res);
  }
  const only = results[0];
  if (lastStep && results.length === 1 && Array.isArray(only) && !isSequence(only)) return only;
  const flat = sequence();
  for (const res of results) {
    if (!Array.isArray(res) || (res as Sequence).cons === true) flat.push(res);
    else for (const v of res) flat.push(v);
  }
  return flat;
}

function compileBlock(node: AstNode, ctx: CompileContext): Compiled {
  const fns = (node.expressions ?? []).map((e) => compileNode(e, ctx));
  return (input, frame) => {
    const inner = new Frame(frame);
    let result: Value;
    for (const fn of fns) result = fn(input, inner);
    return result;
  };
}

function compileBinary(node: AstNode, ctx: CompileContext): Compiled {
  const op = String(node.value);
  const lhs = compileNode(child(node.lhs as AstNode), ctx);
  const rhs = compileNode(child(node.rhs), ctx);
  if (op === 'and') {
    return (input, frame) =>
      (toBoolean(lhs(input, frame)) ?? false) && (toBoolean(rhs(input, frame)) ?? false);
  }
  if (op === 'or') {
    return (input, frame) =>
      (toBoolean(lhs(input, frame)) ?? false) || (toBoolean(rhs(input, frame)) ?? false);
  }
  if (!['+', '-', '*', '/', '%', '=', '!=', '<', '<=', '>', '>=', '&', 'in'].includes(op)) {
    throw new Unsupported(op);
  }
  return (input, frame) => {
    const l = lhs(input, frame);
    return binary(op, l, rhs(input, frame));
  };
}

function compileUnary(node: AstNode, ctx: CompileContext): Compiled {
  switch (node.value) {
    case '-': {
      const operand = compileNode(child(node.expression), ctx);
      return (input, frame) => {
        const value = operand(input, frame);
        if (value === undefined) return undefined;
        if (!isNumeric(value)) decline();
        return -value;
      };
    }
    case '[': {
      const items = (node.expressions ?? []).map((e) => ({
        nested: e.value === '[' && e.type === 'unary',
        fn: compileNode(e, ctx),
      }));
      const cons = node.consarray === true;
      return (input, frame) => {
        let result: Value[] = [];
        for (const item of items) {
          const value = item.fn(input, frame);
          if (value === undefined) continue;
          if (item.nested) result.push(value);
          else result = append(result, value) as Value[];
        }
        if (cons) Object.defineProperty(result, 'cons', { enumerable: false, value: true });
        return result;
      };
    }
    case '{':
      return compileObject(node, ctx);
    default:
      throw new Unsupported(`unary ${String(node.value)}`);
  }
}

/** An object constructor over one context value (a context array is left to JSONata's grouping). */
function compileObject(node: AstNode, ctx: CompileContext): Compiled {
  const pairs = (node.lhs as [AstNode, AstNode][]).map(([key, value]) => ({
    key: compileNode(key, ctx),
    value: compileNode(value, ctx),
  }));
  return (input, frame) => {
    if (Array.isArray(input)) decline();
    const groups = Object.create(null) as Record<string, number>;
    pairs.forEach((pair, index) => {
      const key = pair.key(input, frame);
      if (key === undefined) return;
      if (typeof key !== 'string' || key === '_jsonata_lambda' || key === '_jsonata_function') {
        decline();
      }
      if (key in groups) decline();
      groups[key] = index;
    });
    const result = Object.create(null) as Record<string, Value>;
    for (const key of Object.keys(groups)) {
      const value = (pairs[groups[key] as number] as (typeof pairs)[number]).value(input, frame);
      if (value !== undefined) result[key] = value;
    }
    return result;
  };
}

function compileCall(node: AstNode, ctx: CompileContext): Compiled {
  const procedure = child(node.procedure);
  if (procedure.type !== 'variable') throw new Unsupported('computed function');
  const name = String(procedure.value);
  if (ctx.bound.has(name)) throw new Unsupported(`rebound $${name}`);
  const args = (node.arguments ?? []).map((a) => {
    if (a.type === 'lambda' || a.type === 'partial' || a.type === 'regex') {
      throw new Unsupported(a.type);
    }
    return compileNode(a, ctx);
  });
  const helper = ctx.helpers[name];
  if (helper !== undefined) {
    return (input, frame) => {
      const values = args.map((fn) => fn(input, frame));
      try {
        return helper(...values);
      } catch {
        return decline();
      }
    };
  }
  const native = NATIVES[name];
  if (native === undefined || !native.arity.includes(args.length)) {
    throw new Unsupported(`$${name}`);
  }
  const call = native.call;
  return (input, frame) => call(...args.map((fn) => fn(input, frame)));
}

export interface FastExpression {
  /** The expression's result, or throws FAST_PATH_DECLINED (or anything else: treat alike). */
  evaluate(input: Value): Value;
}

/**
 * The fast form of a parsed JSONata expression (`jsonata(text).ast()`), or null with the reason
 * when it uses anything outside the subset. `helpers` are the functions registered into JSONata.
 */
export function compileFast(
  ast: unknown,
  helpers: Readonly<Record<string, Helper>>,
): { ok: true; expression: FastExpression } | { ok: false; reason: string } {
  const bound = new Set<string>();
  collectBindings(ast, bound);
  for (const name of bound) {
    if (name in helpers || JSONATA_BUILT_INS.has(name))
      return { ok: false, reason: `rebinds $${name}` };
  }
  let root: Compiled;
  try {
    root = compileNode(ast as AstNode, { helpers, bound });
  } catch (err) {
    if (err instanceof Unsupported) return { ok: false, reason: err.message };
    throw err;
  }
  return {
    ok: true,
    expression: {
      evaluate(input) {
        if (Array.isArray(input)) decline();
        const frame = new Frame(null);
        frame.bind('$', input);
        return root(input, frame);
      },
    },
  };
}
