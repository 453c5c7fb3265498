using System.Diagnostics;
using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

namespace NotebookCalc.Fuzz;

public sealed record FuzzOptions
{
    public int Count { get; init; } = 100_000;
    public int Seed { get; init; } = 1;
    /// <summary>An input taking longer than this is reported as slow (a finding, not a failure of the run).</summary>
    public double BudgetSeconds { get; init; } = 1.0;
    /// <summary>Minimise failing inputs (greedy deletion while the failure reproduces).</summary>
    public bool Minimise { get; init; } = true;
    public TextWriter? Log { get; init; }
}

/// <summary>One failure: what broke, at which stage, on which input (and its minimised form).</summary>
public sealed record FuzzFailure(string Kind, string Stage, int Index, string Input, string? Wrt, string? Claim, string Symptom)
{
    public string? Minimised { get; init; }

    /// <summary>The failure class: kind, stage and the first line of the symptom without numbers.</summary>
    public string Class => $"{Kind} @ {Stage}: {new string(Symptom.Split('\n')[0].Select(c => char.IsAsciiDigit(c) ? '#' : c).ToArray())}";
}

public sealed record SlowInput(string Input, string? Wrt, double Seconds);

[System.Text.Json.Serialization.JsonObjectCreationHandling(System.Text.Json.Serialization.JsonObjectCreationHandling.Populate)]
public sealed class FuzzReport
{
    public int Inputs { get; set; }
    public int Accepted { get; set; }
    public int Scalar { get; set; }
    public int Derived { get; set; }
    public int Claims { get; set; }
    public int GradientsFdChecked { get; set; }
    public int FdAttempts { get; set; }
    public int FdUndefined { get; set; }
    public int SkippedByGuard { get; set; }
    public int ChecksSkipped { get; set; }
    public SortedDictionary<string, int> DiagnosticsByCode { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, int> InputsByKind { get; } = new(StringComparer.Ordinal);
    public List<FuzzFailure> Failures { get; } = [];
    public List<SlowInput> Slow { get; } = [];

    /// <summary>Adds another part of the run (the console tool runs the inputs in parts, one per process, to get past hangs).</summary>
    public void Merge(FuzzReport other)
    {
        Inputs += other.Inputs;
        Accepted += other.Accepted;
        Scalar += other.Scalar;
        Derived += other.Derived;
        Claims += other.Claims;
        GradientsFdChecked += other.GradientsFdChecked;
        FdAttempts += other.FdAttempts;
        FdUndefined += other.FdUndefined;
        SkippedByGuard += other.SkippedByGuard;
        ChecksSkipped += other.ChecksSkipped;
        foreach (var (k, v) in other.DiagnosticsByCode) DiagnosticsByCode[k] = DiagnosticsByCode.GetValueOrDefault(k) + v;
        foreach (var (k, v) in other.InputsByKind) InputsByKind[k] = InputsByKind.GetValueOrDefault(k) + v;
        Failures.AddRange(other.Failures);
        Slow.AddRange(other.Slow);
    }

    public string Summary()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"inputs: {Inputs} ({string.Join(", ", InputsByKind.Select(p => $"{p.Key} {p.Value}"))})");
        sb.AppendLine(CultureInfo.InvariantCulture, $"accepted (parsed and bound): {Accepted}; scalar: {Scalar}; gradients derived: {Derived}; claims judged: {Claims}; not derived (runaway guard): {SkippedByGuard}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"gradients checked against independent finite differences: {GradientsFdChecked} (attempts {FdAttempts}, no valid instance {FdUndefined}); own numerical check skipped as too ill-conditioned: {ChecksSkipped}");
        sb.AppendLine("diagnostics by code: " + string.Join(", ", DiagnosticsByCode.Select(p => $"{p.Key} {p.Value}")));
        sb.AppendLine(CultureInfo.InvariantCulture, $"slow inputs (over budget): {Slow.Count}");
        foreach (var (input, wrt, seconds) in Slow.Take(20)) sb.AppendLine(CultureInfo.InvariantCulture, $"  {seconds:F2} s  {Shorten(input)}  [wrt {wrt}]");
        sb.AppendLine(CultureInfo.InvariantCulture, $"failures: {Failures.Count} in {Failures.Select(f => f.Class).Distinct().Count()} classes");
        foreach (var g in Failures.GroupBy(f => f.Class))
        {
            var first = g.First();
            sb.AppendLine(CultureInfo.InvariantCulture, $"  [{g.Count()}] {g.Key}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"      e.g. {Shorten(first.Minimised ?? first.Input)}  [wrt {first.Wrt}{(first.Claim is null ? "" : $", claim {Shorten(first.Claim)}")}]");
        }
        return sb.ToString();
    }

    internal static string Shorten(string s)
    {
        var escaped = s.Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t");
        return escaped.Length > 160 ? escaped[..150] + $"… ({s.Length} chars)" : escaped;
    }
}

/// <summary>
/// The fuzz harness (issue 12, item 9). Every input goes through the parser and binder; what is accepted is printed
/// (text and LaTeX) and must read back to the same tree; a scalar function is differentiated by all three methods with
/// the numerical check, a claim is judged. Nothing may throw anything but <see cref="MatcalcException"/>. For the
/// well-shaped functions of <see cref="InputKind.ValidFd"/>, every method's gradient is compared with central finite
/// differences computed here on the evaluator, independently of the derivation and of GradientCheck; and the derived
/// gradient, printed and given back as a claim, must be judged right. Deterministic for a seed (but for the timings).
/// </summary>
public sealed class Fuzzer(FuzzOptions options)
{
    private static readonly Scope Declarations = Scope.Parse(FunctionGen.Where);

    public FuzzReport Report { get; } = new();

    public FuzzOptions Options => options;

    /// <summary>The input being processed and since when (for the watchdog of the console tool).</summary>
    public (FuzzInput? Input, long StartTicks) Current { get; private set; }

    public FuzzReport Run() => Run(0, options.Count);

    /// <summary>Inputs start … end − 1 of the seed's sequence.</summary>
    public FuzzReport Run(int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            var input = Inputs.Make(i, options.Seed, out _);
            Current = (input, Stopwatch.GetTimestamp());
            var sw = Stopwatch.StartNew();
            Process(input);
            if (sw.Elapsed.TotalSeconds > options.BudgetSeconds) Report.Slow.Add(new SlowInput(input.Text, input.Wrt, sw.Elapsed.TotalSeconds));
            if (options.Log is { } log && (i + 1) % 10_000 == 0)
                log.WriteLine($"{i + 1} inputs, {Report.Accepted} accepted, {Report.GradientsFdChecked} gradients FD-checked, {Report.Failures.Count} failures");
        }
        Current = (null, 0);
        return Report;
    }

    private void Count(MatcalcException ex)
    {
        foreach (var code in ex.Diagnostics.Select(d => d.Id).Distinct())
            Report.DiagnosticsByCode[code] = Report.DiagnosticsByCode.GetValueOrDefault(code) + 1;
    }

    public void Process(FuzzInput input)
    {
        Report.Inputs++;
        Report.InputsByKind[input.Kind.ToString()] = Report.InputsByKind.GetValueOrDefault(input.Kind.ToString()) + 1;
        var failure = Probe(input.Text, input.Wrt, input.Claim, input.Kind == InputKind.ValidFd, input.Index, count: true);
        if (failure is null) return;
        if (options.Minimise) failure = failure with { Minimised = Minimise(failure) };
        Report.Failures.Add(failure);
    }

    /// <summary>Runs the whole pipeline on one input; returns the first failure, or null.</summary>
    private FuzzFailure? Probe(string text, string? wrtHint, string? claimText, bool fd, int index, bool count)
    {
        var stage = "parse";
        FuzzFailure Fail(string kind, string symptom) => new(kind, stage, index, text, wrtHint, claimText, symptom);
        try
        {
            Expression f;
            try { f = MatCalc.Parse(text, Declarations); }
            catch (MatcalcException ex)
            {
                if (count) Count(ex);
                return ex.Diagnostics.Count == 0 ? Fail("no diagnostic", "MatcalcException without a diagnostic") : null;
            }
            if (count) Report.Accepted++;

            stage = "bind";
            if (InconsistentShape(f.Expr) is { } clash) return Fail("bound with inconsistent shapes", clash);

            stage = "print";
            var printed = f.Text;
            _ = f.Latex;
            Expression back;
            try { back = MatCalc.Parse(printed, Declarations); }
            catch (MatcalcException ex) { return Fail("does not parse back", $"{printed} → {ex.Diagnostics[0].Id}: {ex.Diagnostics[0].Message}"); }
            if (back.Expr != f.Expr) return Fail("parses back differently", $"{printed} → {back.Text}");

            if (!f.Shape.IsScalar) return null;
            if (count) Report.Scalar++;
            var wrt = Variable(f, wrtHint);
            if (wrt is null) return null;
            wrtHint = wrt;
            if (Guarded(f.Expr) || f.Expr.DescendantsAndSelf().Count(e => e is Symbol { Name: var n } && n == wrt) > MaxOccurrences)
            {
                if (count) Report.SkippedByGuard++;
                return null;
            }

            stage = "gradient";
            GradientResult r;
            try { r = MatCalc.Gradient(f, wrt, new GradientOptions { Seed = 1 + index % 997 }); }
            catch (MatcalcException ex)
            {
                if (count) Count(ex);
                return null;
            }
            if (count) Report.Derived++;
            if (r.Methods.FirstOrDefault(m => m.Unsupported?.StartsWith(MatCalc.InternalError, StringComparison.Ordinal) == true) is { } broken)
                return Fail("method declined with an internal error", $"{broken.Method}: {broken.Unsupported}");
            foreach (var m in r.Methods.Where(m => m.Succeeded))
            {
                foreach (var step in m.Steps) _ = step.Text + step.Latex;
                _ = TextPrinter.Print(m.Gradient!);
            }

            if (claimText is not null)
            {
                stage = "check";
                try { MatCalc.Check(f, wrt, claimText, new GradientOptions { Seed = 1 + index % 997 }); }
                catch (MatcalcException ex) { if (count) Count(ex); }
                if (count) Report.Claims++;
            }

            if (!fd) return null;
            stage = "finite differences";
            if (count) Report.FdAttempts++;
            var verdict = CompareWithFiniteDifferences(f, r, index);
            if (verdict is null)
            {
                if (count) Report.FdUndefined++;
                return null;
            }
            if (verdict.Length > 0) return Fail("gradient differs from finite differences", verdict);
            if (count) Report.GradientsFdChecked++;
            if (!r.Agree) return Fail("methods disagree", $"{r.AgreementBasis}: {string.Join(" | ", r.Methods.Where(m => m.Succeeded).Select(m => $"{m.Method}: {TextPrinter.Print(m.Gradient!)}"))}");
            // A check that fails a gradient the oracle confirmed is a false alarm; one that is skipped because f cannot be
            // evaluated accurately enough is honest (sin(exp(‖W + C‖²)) at an argument of 10⁹), except for the zero gradient
            // of a constant function, which must be checked (fuzz class 5).
            if (r.Check is { Passed: false, Skipped: false } c) return Fail("numerical check fails a right gradient", c.Summary);
            if (r.Check is { Skipped: true } skipped)
            {
                if (count) Report.ChecksSkipped++;
                if (!r.Gradient.DescendantsAndSelf().Any(e => e is OpaqueCall or JacobianAdjoint) && ZeroAtSomeInstance(f, r.Gradient, index))
                    return Fail("numerical check skips a zero gradient", skipped.Summary);
            }

            stage = "own gradient as claim";
            var own = TextPrinter.Print(r.Gradient);
            try
            {
                var report = MatCalc.Check(f, wrt, own, new GradientOptions { Seed = 1 + index % 997 });
                if (!report.Right) return Fail("own gradient judged wrong", $"claim {own}: {report.Verdict}");
            }
            catch (MatcalcException ex) when (ex.Diagnostics.Any(d => d.Id == "MC3002")) { }
            catch (MatcalcException ex) { return Fail("own gradient refused", $"claim {own}: {ex.Diagnostics[0].Id}: {ex.Diagnostics[0].Message}"); }
            return null;
        }
        catch (Exception ex) when (ex is not MatcalcException and not OutOfMemoryException)
        {
            var frame = new StackTrace(ex).GetFrames().FirstOrDefault(fr => fr.GetMethod()?.DeclaringType?.Namespace?.StartsWith("NotebookCalc", StringComparison.Ordinal) == true);
            var where = frame?.GetMethod() is { } m ? $" in {m.DeclaringType?.Name}.{m.Name}" : "";
            return new FuzzFailure("crash", stage, index, text, wrtHint, claimText, $"{ex.GetType().Name}{where}: {ex.Message}");
        }
    }

    /// <summary>The variable: the hint if the function uses it, else the first generated variable it uses, else any symbol.</summary>
    private static string? Variable(Expression f, string? hint)
    {
        var names = f.Symbols.Select(s => s.Name).ToList();
        if (hint is not null && names.Contains(hint)) return hint;
        return FunctionGen.Variables.FirstOrDefault(names.Contains) ?? names.FirstOrDefault();
    }

    /// <summary>
    /// Inputs known to run away today (issue 12 item 5, being fixed): matrix powers above 6 and scalar powers
    /// above 64 (nested powers multiply), more than 4 Kronecker products, trees deeper than <see cref="MaxDepth"/>. They are parsed and printed but not derived, and counted.
    /// </summary>
    private static bool Guarded(Expr e)
    {
        static (double MatrixPower, double ScalarPower, int Depth) Walk(Expr x)
        {
            double matrix = 1, scalar = 1;
            var depth = 0;
            foreach (var c in x.Children)
            {
                var (mp, sp, d) = Walk(c);
                matrix = Math.Max(matrix, mp);
                scalar = Math.Max(scalar, sp);
                depth = Math.Max(depth, d);
            }
            if (x is Power { Exponent: var k }) { if (x.IsScalar) scalar *= Math.Max(1, Math.Abs(k)); else matrix *= Math.Max(1, Math.Abs(k)); }
            return (matrix, scalar, depth + 1);
        }
        if (e.DescendantsAndSelf().Take(2000).Count() >= 2000) return true;
        // Nested Kronecker products multiply sizes: 14 levels of kron(·, I_3) are 3^14-square matrices at evaluation.
        if (e.DescendantsAndSelf().Count(x => x is Kron) > 4) return true;
        var (mpw, spw, dp) = Walk(e);
        return mpw > FunctionGen.MaxPower || spw > 64 || dp > MaxDepth;
    }

    /// <summary>More occurrences of the variable are not derived: tr(X X … X) with 30 factors runs away (issue 12, item 5).</summary>
    public const int MaxOccurrences = 12;

    /// <summary>Deeper trees are parsed and printed but not derived: 150 nested exp take 5 s, 300 nested norms 24 s.</summary>
    public const int MaxDepth = 60;

    // ───────────── shapes of the bound tree ─────────────

    /// <summary>
    /// The first node of a bound expression whose operands' shapes do not fit it (a product with different inner
    /// dimensions, a sum of different shapes, the trace of a non-square matrix…), described; null when all fit. The
    /// binder must report such a clash as a shape diagnostic: accepted, it crashes evaluation later.
    /// </summary>
    public static string? InconsistentShape(Expr e)
    {
        foreach (var x in e.DescendantsAndSelf())
        {
            string? Why() => x switch
            {
                Add(var l, var r) when l.Shape != r.Shape && !(l.IsScalar || r.IsScalar) => "sum of different shapes",
                Add(var l, var r) when l.IsScalar != r.IsScalar => "scalar added to a matrix without a broadcast",
                Hadamard(var l, var r) when l.Shape != r.Shape => "entrywise product of different shapes",
                HadamardDiv(var l, var r) when l.Shape != r.Shape => "entrywise quotient of different shapes",
                Frobenius(var l, var r) when l.Shape != r.Shape => "Frobenius product of different shapes",
                MatMul(var l, var r) when l.Shape.Cols != r.Shape.Rows => "product with different inner dimensions",
                Scale(var k, _) when !k.IsScalar => "scaling by a non-scalar",
                Divide(_, var d) when !d.IsScalar => "division by a non-scalar",
                Broadcast(var v, _) when !v.IsScalar => "broadcast of a non-scalar",
                Semantics.Trace(var a) when !a.Shape.IsSquare => "trace of a non-square matrix",
                Det(var a) when !a.Shape.IsSquare => "determinant of a non-square matrix",
                LogDet(var a) when !a.Shape.IsSquare => "log-determinant of a non-square matrix",
                Inverse(var a) when !a.Shape.IsSquare => "inverse of a non-square matrix",
                Power(var a, var k) when !a.IsScalar && (!a.Shape.IsSquare || k != Math.Floor(k)) => "matrix power of a non-square matrix",
                DiagVector(var a) when !a.Shape.IsSquare => "diagonal of a non-square matrix",
                DiagMatrix(var a) when !a.Shape.Cols.IsOne => "diag of a non-vector",
                PowerSum(var b, var c, _) when !b.Shape.IsSquare || b.Shape != c.Shape => "power sum of mismatched shapes",
                _ => null,
            };
            if (Why() is { } why)
                return $"{why}: {TextPrinter.Print(x)} ({string.Join(", ", x.Children.Select(c => c.Shape.ToString()))})";
        }
        return null;
    }

    // ───────────── independent finite differences ─────────────

    /// <summary>
    /// Central differences of f on the evaluator, entry by entry, against each method's gradient evaluated at the same point.
    /// Null when no instance in 6 tries has finite values; "" when every method agrees; else what differs.
    /// </summary>
    public static string? CompareWithFiniteDifferences(Expression f, GradientResult r, int index)
    {
        var name = r.Variable.Name;
        var symbols = f.Symbols;
        for (var attempt = 0; attempt < 6; attempt++)
        {
            Bindings b;
            double f0;
            var grads = new List<(string Method, Matrix<double> Value)>();
            try
            {
                b = Sampler.Sample(symbols, 7919 * (index + 1) + attempt);
                f0 = f.EvaluateScalar(b);
                foreach (var m in r.Methods.Where(m => m.Succeeded)) grads.Add((m.Method, Evaluator.Evaluate(m.Gradient!, b)));
            }
            catch (MatcalcException) { continue; }
            if (!double.IsFinite(f0) || Math.Abs(f0) > 1e8 || grads.Any(g => g.Value.Enumerate().Any(v => !double.IsFinite(v) || Math.Abs(v) > 1e8))) continue;
            var fd = new Dictionary<double, Matrix<double>?>();
            Matrix<double>? Fd(double h) => fd.TryGetValue(h, out var v) ? v : fd[h] = CentralDifference(f, b, name, h);
            var problems = new List<string>();
            foreach (var (method, g) in grads)
            {
                // The gradient's own rounding error at this instance (terms that cancel — the zero gradient of a constant
                // function such as sum(softmax(Z + t tr(X)) .* P)^5 in X — leave noise of the terms' size): allowed.
                var noise = RoundingNoise(r.Methods.First(m => m.Method == method).Gradient!, b, g);
                // Truncation and rounding: agreeing at one of three step sizes is agreement.
                // A variable declared symmetric (diagonal) has only the symmetric (diagonal) part of its gradient determined
                // (LANGUAGE.md, gradient convention): both sides are compared on that part.
                var props = r.Variable.Props;
                // …and the quotients' own: f's rounding (ε·|f|) over the step, in every entry.
                double Allowance(double h) => noise + Math.Sqrt(g.RowCount * g.ColumnCount) * 10 * 2.2e-16 * (1 + Math.Abs(f0)) / h;
                var errors = new[] { 1e-5, 1e-4, 1e-6 }.Select(h => Fd(h) is { } d ? RelativeError(Part(g, props), Part(d, props), Allowance(h)) : double.NaN).ToList();
                if (errors.All(double.IsNaN)) return null;
                if (errors.Where(e => !double.IsNaN(e)).Min() > 1e-4)
                    problems.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{method}: {TextPrinter.Print(r.Methods.First(m => m.Method == method).Gradient!)} off by {errors.Where(e => !double.IsNaN(e)).Min():e2} (sizes {string.Join(",", b.Sizes.Select(p => $"{p.Key}={p.Value}"))})"));
            }
            return string.Join("; ", problems);
        }
        return null;
    }

    /// <summary>Whether the gradient's value is zero (to its rounding) at one of the oracle's instances.</summary>
    private static bool ZeroAtSomeInstance(Expression f, Expr gradient, int index)
    {
        var symbols = f.Symbols.Concat(gradient.DescendantsAndSelf().OfType<Symbol>()).DistinctBy(s => s.Name).ToList();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                var b = Sampler.Sample(symbols, 7919 * (index + 1) + attempt);
                var g = Evaluator.Evaluate(gradient, b);
                return g.FrobeniusNorm() <= RoundingNoise(gradient, b, g) + 1e-300;
            }
            catch (MatcalcException) { }
        }
        return false;
    }

    private static Matrix<double> Part(Matrix<double> g, SymbolProps props) =>
        props.HasFlag(SymbolProps.Diagonal) ? Matrix<double>.Build.DenseOfDiagonalVector(g.Diagonal())
        : props.HasFlag(SymbolProps.Symmetric) || props.HasFlag(SymbolProps.Spd) ? (g + g.Transpose()) / 2
        : g;

    private static double RelativeError(Matrix<double> g, Matrix<double> fd, double allowance = 0)
    {
        var scale = Math.Max(1e-6, Math.Max(g.FrobeniusNorm(), fd.FrobeniusNorm()));
        return Math.Max(0, (g - fd).FrobeniusNorm() - allowance) / scale;
    }

    /// <summary>100·ε times how far the gradient's value moves per unit of relative noise in every intermediate result.</summary>
    private static double RoundingNoise(Expr gradient, Bindings b, Matrix<double> value)
    {
        var worst = 0.0;
        for (var k = 0; k < 2; k++)
        {
            try { worst = Math.Max(worst, (Evaluator.EvaluatePerturbed(gradient, b, 1e-10, 11 + k) - value).FrobeniusNorm() / 1e-10); }
            catch (MatcalcException) { return 0; }
        }
        return double.IsFinite(worst) ? 100 * 2.2e-16 * worst : 0;
    }

    /// <summary>∂f/∂x_ij ≈ (f(x + h e_ij) − f(x − h e_ij)) / 2h, h scaled by |x_ij|; null when f is undefined nearby.</summary>
    public static Matrix<double>? CentralDifference(Expression f, Bindings b, string name, double h)
    {
        var x = b[name];
        var g = Matrix<double>.Build.Dense(x.RowCount, x.ColumnCount);
        for (var i = 0; i < x.RowCount; i++)
            for (var j = 0; j < x.ColumnCount; j++)
            {
                var step = h * Math.Max(1, Math.Abs(x[i, j]));
                try
                {
                    var plus = At(f, b, name, x, i, j, step);
                    var minus = At(f, b, name, x, i, j, -step);
                    if (!double.IsFinite(plus) || !double.IsFinite(minus)) return null;
                    g[i, j] = (plus - minus) / (2 * step);
                }
                catch (MatcalcException) { return null; }
            }
        return g;
    }

    private static double At(Expression f, Bindings b, string name, Matrix<double> x, int i, int j, double step)
    {
        var moved = x.Clone();
        moved[i, j] += step;
        var c = b.Clone();
        c.Set(name, moved);
        return f.EvaluateScalar(c);
    }

    // ───────────── minimisation ─────────────

    /// <summary>Greedy deletion (halving chunk sizes) while the same failure class reproduces; at most 400 probes.</summary>
    private string Minimise(FuzzFailure failure)
    {
        var current = failure.Input;
        var probes = 0;
        bool Same(string candidate)
        {
            probes++;
            FuzzFailure? again;
            try { again = Probe(candidate, failure.Wrt, failure.Claim, failure.Kind != "crash" || failure.Stage == "finite differences", failure.Index, count: false); }
            catch (Exception) { return false; }
            return again is not null && again.Kind == failure.Kind && again.Stage == failure.Stage;
        }
        for (var chunk = Math.Max(1, current.Length / 2); chunk >= 1 && probes < 400; chunk /= 2)
        {
            for (var start = 0; start + chunk <= current.Length && probes < 400;)
            {
                var candidate = current.Remove(start, chunk);
                if (candidate.Length > 0 && Same(candidate)) current = candidate;
                else start += chunk;
            }
            if (chunk == 1) break;
        }
        return current;
    }
}
