using System.Text.Json;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Tests.Calculus;
using NotebookCalc.Tests.Support;
using NotebookCalc.Text;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Tests.Language;

/// <summary>
/// Everything printed parses back (issue 12, item 7): every gradient (the common one and each method's), every derivation
/// step written as an expression, the function and the claim, printed by <see cref="TextPrinter"/>, parses back with the
/// same declarations to an expression of the same shape and of equal value on random instances — over every function
/// the test suite derives (the Cookbook and machine-learning cases, SymPy's conformance set, the curriculum keys, the
/// source problems) and over generated expressions.
/// </summary>
public class ParseBackTests
{
    public sealed record Problem(string Id, string Expr, string Wrt, string Where, string? Claim = null, string Derivative = "gradient");

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    private sealed record KeyFile(List<KeyEntry> Exercises);

    private sealed record KeyEntry(string Id, string Function, string Wrt, string? Where, string? Start, string? Derivative);

    /// <summary>The source problems (README) and the inputs of issue 12 whose output did not parse back.</summary>
    private static readonly Problem[] Extra =
    [
        new("seed-1", "l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')", "W", "W: n x m; Omega: m x m symmetric invertible; l1, l2: scalar"),
        new("seed-2", "ln det(W Wᵀ + σ²I)", "W", "W: n x m; sigma: scalar"),
        new("seed-3", "‖W ⊙ (A − U Vᵀ)‖²_F", "U", "W: n x m; A: n x m; U: n x k; V: m x k"),
        new("seed-4", "‖X W Z − X‖²_F", "W", "X: a x b; W: b x c; Z: c x b"),
        new("seed-5", "‖softmax(wᵀ B) − β Dᵀ Z‖²_F", "w", "D: d x m; Z: d x l; B: d x l; w: d x n; β: n x m"),
        new("issue12-kron-adjoint-right", "ln det(kron(A, X))", "X", "A: k x k; X: n x n"),
        new("issue12-kron-adjoint-left", "ln det(kron(X, A))", "X", "A: k x k; X: n x n"),
        new("issue12-kron-ones", "sum(kron(A, X))", "X", "A: k x k; X: n x m"),
        new("issue12-kron-ones-left", "sum(kron(X, A))", "X", "A: k x p; X: n x m"),
        new("issue12-kron-rect", "tr(kron(B, Y)' kron(A, X))", "X", "A: k x p; B: k x p; X: n x m; Y: n x m"),
        new("issue12-kron-rect-left", "tr(kron(Y, B)' kron(X, A))", "X", "A: k x p; B: k x p; X: n x m; Y: n x m"),
        new("issue12-unvec", "sum(vec(X))", "X", "X: n x m"),
        new("issue12-unvec-x", "x' vec(X)", "X", "X: n x m"),
        new("issue12-unvec-kron", "x' kron(A, B) vec(X)", "X", "A: p x m; B: q x n; X: n x m"),
        new("issue12-ones-1", "sum(ones(m,1)) sum(X)", "X", "X: n x m"),
        new("issue12-ones-kn", "sum(kron(A, X) .* kron(A, X))", "X", "A: k x k; X: n x n"),
        new("issue12-trace-kron", "tr(kron(A, X))", "X", "A: k x k; X: n x n"),
        new("issue12-vec-row", "vec(x')' y", "x", "x: n; y: n"),
    ];

    public static IReadOnlyList<Problem> Problems { get; } = LoadProblems();

    private static List<Problem> LoadProblems()
    {
        var list = new List<Problem>();
        list.AddRange(CookbookTests.Cases.Select(c => new Problem(c.Id, c.Expr, c.Wrt, c.Where, c.Expected)));
        list.AddRange(SympyConformanceTests.File.Cases.Where(c => c.NotebookCalc == "right")
            .Select(c => new Problem("sympy-" + c.Id, c.Expr, c.Wrt, c.Where, c.Expected)));
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
        foreach (var key in Directory.GetFiles(Path.Combine(root, "curriculum"), "key.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(key), Options)!;
            list.AddRange(file.Exercises.Select(e => new Problem(e.Id, e.Function, e.Wrt, e.Where ?? "", e.Start, e.Derivative ?? "gradient")));
        }
        list.AddRange(Extra);
        return list;
    }

    public static TheoryData<string> Ids => new(Problems.Select(p => p.Id).Distinct());

    [Fact]
    public void The_corpus_covers_everything_the_suite_derives()
    {
        Assert.True(CookbookTests.Cases.Count >= 60);
        Assert.True(Problems.Count >= 180, $"only {Problems.Count} problems");
        Assert.Equal(Problems.Count, Problems.Select(p => p.Id).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Every_printed_gradient_step_and_claim_parses_back_to_an_equal_value(string id)
    {
        var p = Problems.Single(x => x.Id == id);
        if (p.Derivative == "jacobian") { JacobianParsesBack(p); return; }
        var r = MatCalc.Gradient(p.Expr, p.Wrt, p.Where, new GradientOptions { Check = false });
        var f = r.Function;
        var scope = ScopeOf(f);
        ParsesBack(f.Expr, scope, $"{id}: f");
        ParsesBack(r.Gradient, scope, $"{id}: ∂f/∂{p.Wrt}");
        foreach (var m in r.Methods.Where(m => m.Succeeded))
        {
            ParsesBack(m.Gradient!, scope, $"{id}: {m.Method} gradient");
            foreach (var (step, k) in m.Steps.Select((s, k) => (s, k)))
                if (step.Expression is { } rhs && AsValue(rhs) is { } value)
                    ParsesBack(value, scope, $"{id}: {m.Method} step {k + 1} ({step.Text})");
        }
        // A claim as check prints it (the curriculum's first guesses are wrong on purpose, some ill-shaped: those print nothing).
        if (p.Claim is not null && TryParse(p.Claim, scope, r.Variable.Shape) is { } claim)
            ParsesBack(claim.Expr, scope, $"{id}: claim {p.Claim}");
    }

    /// <summary>A Jacobian exercise (a matrix- or vector-valued F): the map, each method's map and steps, and the claim.</summary>
    private static void JacobianParsesBack(Problem p)
    {
        var r = MatCalc.Jacobian(p.Expr, p.Wrt, p.Where, new GradientOptions { Check = false });
        var scope = ScopeOf(r.Function).With([new Declaration(r.Direction.Name, r.Direction.Shape, r.Direction.Props, default)]);
        ParsesBack(r.Function.Expr, scope, $"{p.Id}: F");
        ParsesBack(r.Map, scope, $"{p.Id}: DF[{r.Direction.Name}]");
        // The vec form reads back too: the commutation matrix prints as K_(n,m), which the language reads as commutation(n, m).
        if (r.VecForm is { } vec) Assert.True(ParsesBack(vec, scope, $"{p.Id}: vec Jacobian") > 0, $"{p.Id}: the vec Jacobian was compared on no instance");
        foreach (var m in r.Methods.Where(m => m.Succeeded))
        {
            ParsesBack(m.Gradient!, scope, $"{p.Id}: {m.Method} map");
            foreach (var (step, k) in m.Steps.Select((s, k) => (s, k)))
                if (step.Expression is { } rhs && AsValue(rhs) is { } value)
                    ParsesBack(value, scope, $"{p.Id}: {m.Method} step {k + 1} ({step.Text})");
        }
        if (p.Claim is not null && TryParse(p.Claim, scope, r.Function.Shape) is { } claim)
            ParsesBack(claim.Expr, scope, $"{p.Id}: claim {p.Claim}");
    }

    [Fact]
    public void Generated_expressions_parse_back_to_an_equal_value()
    {
        var scope = Scope.Parse(ExprGen.Where);
        var compared = 0;
        ExprGen.ForAll(e => compared += ParsesBack(e, scope, "generated"), 400, seed: 12);
        Assert.True(compared > 200, $"only {compared} generated expressions could be evaluated");
    }

    [Fact]
    public void Generated_gradients_parse_back_to_an_equal_value()
    {
        var scope = Scope.Parse(ExprGen.Where);
        var compared = 0;
        ExprGen.ForAllScalar(e =>
        {
            var f = MatCalc.Parse(TextPrinter.Print(e), scope);
            foreach (var wrt in f.Symbols.Where(s => s.Name is "A" or "C" or "x" or "s").Take(2))
            {
                GradientResult r;
                try { r = MatCalc.Gradient(f, wrt.Name, new GradientOptions { Check = false }); }
                catch (MatcalcException) { continue; }
                foreach (var m in r.Methods.Where(m => m.Succeeded)) compared += ParsesBack(m.Gradient!, scope, $"∂/∂{wrt.Name} of {f.Text} ({m.Method})");
            }
        }, 150, seed: 21);
        Assert.True(compared > 100, $"only {compared} generated gradients could be evaluated");
    }

    /// <summary>The printer's lowering (unvec, Kronecker adjoints, ones of size kn) never changes a value.</summary>
    [Theory]
    [InlineData("ln det(kron(A, X))", "X", "A: k x k; X: n x n")]
    [InlineData("tr(kron(Y, B)' kron(X, A))", "X", "A: k x p; B: k x p; X: n x m; Y: n x m")]
    [InlineData("tr(kron(B, Y)' kron(A, X))", "X", "A: k x p; B: k x p; X: n x m; Y: n x m")]
    [InlineData("x' vec(X)", "X", "X: n x m")]
    [InlineData("sum(kron(A, X))", "X", "A: k x p; X: n x m")]
    public void Lowered_calculus_nodes_keep_their_value(string expr, string wrt, string where)
    {
        var r = MatCalc.Gradient(expr, wrt, where, new GradientOptions { Check = false });
        var g = r.Gradient;
        Assert.Contains(g.DescendantsAndSelf(), e => e is Unvec or KronAdjoint || e.Shape.Rows is ProductDim || e.Shape.Cols is ProductDim);
        var lowered = Expressible.Lower(g);
        Assert.DoesNotContain(lowered.DescendantsAndSelf(), e => e is Unvec or KronAdjoint);
        var symbols = r.Function.Symbols;
        for (var seed = 1; seed <= 3; seed++)
        {
            var b = Sampler.Sample(symbols, seed);
            AssertClose(Evaluator.Evaluate(g, b), Evaluator.Evaluate(lowered, b), $"{expr} seed {seed}");
        }
    }

    // ───────────── the property ─────────────

    /// <summary>The declarations plus every symbol whose shape was inferred (as a claim is read).</summary>
    private static Scope ScopeOf(Expression f) =>
        f.Scope.With(f.Symbols.Where(s => !f.Scope.TryGet(s.Name, out _)).Select(s => new Declaration(s.Name, s.Shape, s.Props, default)));

    /// <summary>
    /// A step's right-hand side as a value: dX becomes a symbol dX of X's shape (εH and the like are symbols already); lines
    /// that are notation rather than values — O(ε), d(…) of an expression, the Jacobian of an opaque function — give null
    /// (a summation Σ_i Aⁱ C A^(k−1−i) is a value: powersum(A, C, k)).
    /// </summary>
    private static Expr? AsValue(Expr step)
    {
        if (step.DescendantsAndSelf().Any(e => e is Order or JacobianApply or JacobianAdjoint or OpaqueCall or Differential { Of: not Symbol }))
            return null;
        return Replace(step);

        static Expr Replace(Expr e) => e switch
        {
            Differential { Of: Symbol s } => new Symbol("d" + s.Name, s.Shape),
            _ when e.Children.Count == 0 => e,
            _ => e.With(e.Children.Select(Replace).ToList()),
        };
    }

    /// <summary>Prints e, parses the text back and compares shapes and values; returns the number of instances compared.</summary>
    private static int ParsesBack(Expr e, Scope scope, string what)
    {
        var text = TextPrinter.Print(e);
        // Symbols of e the declarations do not know (ε, H, dX in a step) are declared with the shapes they have in e.
        var extra = e.DescendantsAndSelf().OfType<Symbol>().DistinctBy(s => s.Name).Select(s => s with { Name = Canonical(s.Name) })
            .Where(s => !scope.TryGet(s.Name, out _)).Select(s => new Declaration(s.Name, s.Shape, s.Props, default)).ToList();
        Expression back;
        try { back = MatCalc.Parse(text, scope.With(extra)); }
        catch (MatcalcException ex)
        {
            throw new Xunit.Sdk.XunitException($"{what}: the printed text does not parse back: {text}\n  {ex.Diagnostics[0].Id}: {ex.Diagnostics[0].Message}");
        }
        Assert.True(back.Notes.All(n => n.Id != "MC1100"),
            $"{what}: parsing back {text} took an undeclared name for a symbol: {string.Join("; ", back.Notes.Select(n => n.Message))}");
        Assert.True(e.Shape == back.Shape, $"{what}: {text} parses back as {back.Shape}, printed from {e.Shape}");
        if (e.DescendantsAndSelf().Any(x => x is OpaqueCall or JacobianAdjoint or JacobianApply)) return 0;
        var symbols = e.DescendantsAndSelf().OfType<Symbol>().Concat(back.Symbols).DistinctBy(s => s.Name).ToList();
        var compared = 0;
        for (var seed = 1; seed <= 6 && compared < 2; seed++)
        {
            var b = Sampler.Sample(symbols, seed);
            // ε prints as ε and reads back as epsilon: one symbol, one value.
            foreach (var s in e.DescendantsAndSelf().OfType<Symbol>())
                if (Canonical(s.Name) is var n && n != s.Name && b.TryGet(n, out _)) b.Set(n, b[s.Name]);
            MathNet.Numerics.LinearAlgebra.Matrix<double> expected;
            try { expected = Evaluator.Evaluate(e, b); }
            catch (MatcalcException) { continue; }
            if (expected.Enumerate().Any(v => !double.IsFinite(v))) continue;
            var actual = Evaluator.Evaluate(back.Expr, b); // a value that exists printed must exist parsed back
            AssertClose(expected, actual, $"{what}: {text} (seed {seed})");
            compared++;
        }
        return compared;
    }

    private static Expression? TryParse(string text, Scope scope, Shape shape)
    {
        try { return MatCalc.Parse(text, scope, shape); }
        catch (MatcalcException) { return null; }
    }

    /// <summary>A name as the lexer reads it (ε → epsilon).</summary>
    private static string Canonical(string name) => Syntax.Lexer.Tokenize(name, []) is [{ Text: var n }, ..] ? n : name;

    private static void AssertClose(MathNet.Numerics.LinearAlgebra.Matrix<double> expected, MathNet.Numerics.LinearAlgebra.Matrix<double> actual, string what)
    {
        Assert.True(expected.RowCount == actual.RowCount && expected.ColumnCount == actual.ColumnCount,
            $"{what}: {expected.RowCount}×{expected.ColumnCount} printed, {actual.RowCount}×{actual.ColumnCount} parsed back");
        var err = (expected - actual).FrobeniusNorm() / Math.Max(1e-300, Math.Max(1, expected.FrobeniusNorm()));
        Assert.True(err <= 1e-9, $"{what}: parsed back to a different value (relative error {err:e2})");
    }
}
