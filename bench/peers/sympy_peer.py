#!/usr/bin/env python3
"""SymPy side of the NotebookCalc peer benchmark (run by `matcalc-bench peers`, i.e. `dotnet cake --target=Peers`).

Reads a JSON request on stdin: {"reps": N, "problems": [...]}, where each problem has
  id, sympy (the function built from MatrixSymbols, in SymPy syntax), wrt,
  symbols: [{"name", "rows", "cols", "scalar"}]  (rows/cols: a dimension name or an integer),
  sizes: {"n": 3, ...}, values: {"X": [[...]], "s": 0.5}  (one random instance, drawn by NotebookCalc),
  reference: [[...]]  (the gradient at that instance by central differences of f, computed by NotebookCalc's evaluator,
  independent of any symbolic derivation).
Times `f.diff(X)` (median of N repetitions, after one warm-up), then judges the result numerically at the instance:
  right        equals the reference (relative error <= 1e-6)
  wrong        differs (detail says when it equals the transpose of the reference instead: a layout difference)
  zero         SymPy answered 0 although the reference is not 0
  unevaluated  the result still holds an unevaluated derivative
  error        building the function, differentiating or evaluating raised (detail: the exception)
Writes {"sympy": version, "python": version, "results": [{id, status, detail, median_ms, times_ms}]} to stdout.
Installs nothing; the caller checks that `import sympy` works first.
"""
import json
import math
import statistics
import sys
import time

import sympy
from sympy import (Derivative, Identity, ImmutableMatrix, Matrix, MatrixSymbol, S, Symbol, ZeroMatrix)


def namespace(problem):
    ns = {name: getattr(sympy, name) for name in dir(sympy) if not name.startswith("_")}
    from sympy.matrices.expressions import hadamard
    ns.update(hadamard_power=hadamard.hadamard_power, hadamard_product=hadamard.hadamard_product)
    dims = {}

    def dim(d):
        if isinstance(d, int):
            return d
        if d not in dims:
            dims[d] = Symbol(d, integer=True, positive=True)
        return dims[d]

    symbols = {}
    for s in problem["symbols"]:
        if s["scalar"]:
            symbols[s["name"]] = dims.get(s["name"]) or Symbol(s["name"])
            dims.setdefault(s["name"], symbols[s["name"]])
        else:
            symbols[s["name"]] = MatrixSymbol(s["name"], dim(s["rows"]), dim(s["cols"]))
    ns.update(dims)  # dimension names used in the expression itself, e.g. Identity(n)
    ns.update(symbols)
    return ns, symbols, dims


def to_float_list(value):
    """A SymPy result evaluated at numbers → a flat list of floats (or None when it is not numeric)."""
    if hasattr(value, "doit"):
        value = value.doit()
    if isinstance(value, (int, float)):
        return [float(value)]
    if getattr(value, "is_Matrix", False) or isinstance(value, (Matrix, ImmutableMatrix)):
        value = Matrix(value)
        return [float(sympy.N(v)) for v in value]
    if hasattr(value, "tolist") and hasattr(value, "shape"):  # N-dim arrays
        flat = sympy.flatten(value.tolist())
        return [float(sympy.N(v)) for v in flat]
    return [float(sympy.N(value))]


def judge(result, problem, symbols, dims):
    if result == 0 or isinstance(result, ZeroMatrix) or getattr(result, "is_ZeroMatrix", False):
        ref = [v for row in problem["reference"] for v in row]
        return ("zero", "") if max(abs(v) for v in ref) > 1e-9 else ("right", "")
    if result.has(Derivative) or "Derivative" in type(result).__name__:
        return "unevaluated", type(result).__name__
    subs = {dims[d]: v for d, v in problem["sizes"].items() if d in dims}
    concrete = result.subs(subs) if subs else result
    values = {}
    for name, sym in symbols.items():
        v = problem["values"][name]
        if isinstance(v, list):
            values[sym.subs(subs) if subs else sym] = ImmutableMatrix(v)
        else:
            values[sym] = v
    # Substitute the scalars first (they may also be dimensions), then the matrices.
    scalar_values = {k: v for k, v in values.items() if not getattr(k, "is_Matrix", False)}
    matrix_values = {k: v for k, v in values.items() if getattr(k, "is_Matrix", False)}
    evaluated = concrete.subs(scalar_values).subs(matrix_values)
    # Array expressions (ArrayDiagonal, ArrayTensorProduct, …) become matrices or explicit arrays before evaluation.
    if "Array" in type(evaluated).__name__:
        try:
            from sympy.tensor.array.expressions import convert_array_to_matrix
            evaluated = convert_array_to_matrix(evaluated)
        except Exception:  # noqa: BLE001
            pass
        if hasattr(evaluated, "as_explicit"):
            evaluated = evaluated.as_explicit()
    got = to_float_list(evaluated)
    ref_rows = problem["reference"]
    ref = [v for row in ref_rows for v in row]
    ref_t = [ref_rows[i][j] for j in range(len(ref_rows[0])) for i in range(len(ref_rows))]
    if len(got) != len(ref):
        return "wrong", f"{len(got)} numbers where the gradient has {len(ref)}"

    def close(a, b):
        scale = max(1e-12, math.sqrt(sum(x * x for x in a)), math.sqrt(sum(x * x for x in b)))
        return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b))) / scale <= 1e-6

    # SymPy's explicit matrices flatten row by row, like the reference.
    if close(got, ref):
        return "right", ""
    if len(ref_rows) > 1 and len(ref_rows[0]) > 1 and close(got, ref_t):
        return "wrong", "the transpose of the gradient (numerator layout)"
    return "wrong", "differs from the central differences"


def run(problem, reps):
    try:
        ns, symbols, dims = namespace(problem)
        f = eval(problem["sympy"], ns)  # noqa: S307 - the expressions are the project's own data
        x = symbols[problem["wrt"]]
        f.diff(x)  # warm-up (SymPy caches: every timed call is as warm as this one)
        times = []
        result = None
        for _ in range(reps):
            t0 = time.perf_counter()
            result = f.diff(x)
            times.append((time.perf_counter() - t0) * 1000)
    except Exception as e:  # noqa: BLE001 - any failure is a status
        return {"id": problem["id"], "status": "error", "detail": f"{type(e).__name__}: {e}"[:200], "median_ms": None, "times_ms": []}
    try:
        status, detail = judge(result, problem, symbols, dims)
    except Exception as e:  # noqa: BLE001
        status, detail = "error", f"evaluating the result: {type(e).__name__}: {e}"[:200]
    return {"id": problem["id"], "status": status, "detail": detail, "median_ms": statistics.median(times), "times_ms": times,
            "result": str(result)[:300]}


def main():
    request = json.load(sys.stdin)
    results = [run(p, request.get("reps", 5)) for p in request["problems"]]
    json.dump({"sympy": sympy.__version__, "python": sys.version.split()[0], "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
