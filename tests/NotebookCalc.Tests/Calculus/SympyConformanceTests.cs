using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Calculus;
using NotebookCalc.Numerics;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

namespace NotebookCalc.Tests.Calculus;

/// <summary>
/// SymPy's own test file for matrix derivatives (sympy/matrices/expressions/tests/test_derivatives.py, SymPy 1.11), restated
/// in matcalc syntax (Data/sympy-derivatives.json): every case whose function is scalar-valued, with the gradient in our
/// convention and SymPy's stated value. The cases whose function is not scalar are judged as Jacobians by SympyNonScalarTests.
/// </summary>
public class SympyConformanceTests
{
    public sealed record Case(
        string Id, string SympyTest, string? Cookbook, string Expr, string Wrt, string Where, Dictionary<string, int>? Dims,
        string Expected, string? SympyStates, bool SympyAsserted, string Relation, string? SymmetricWhere, string NotebookCalc,
        string? Note, string Sympy);

    public sealed record NonScalar(string SympyTest, string Function, string SympyStates, string Kind, string Support, string? Note);

    public sealed record TestFunction(string Name, int ScalarCases, int NonScalar);

    public sealed record Data(string Source, string Conventions, List<TestFunction> TestFunctions, List<Case> Cases, List<NonScalar> NonScalar);

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static Data File { get; } = JsonSerializer.Deserialize<Data>(
        System.IO.File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Data", "sympy-derivatives.json")), Options)!;

    /// <summary>The test functions of SymPy 1.11's test_derivatives.py, in file order (read from the file itself).</summary>
    private static readonly string[] SympyTestFunctions =
    [
        "test_matrix_derivative_by_scalar",
        "test_matrix_derivative_non_matrix_result",
        "test_matrix_derivative_trivial_cases",
        "test_matrix_derivative_with_inverse",
        "test_matrix_derivative_vectors_and_scalars",
        "test_matrix_derivatives_of_traces",
        "test_derivatives_of_complicated_matrix_expr",
        "test_mixed_deriv_mixed_expressions",
        "test_derivatives_matrix_norms",
        "test_derivatives_elementwise_applyfunc",
        "test_derivatives_of_hadamard_expressions",
    ];

    private static Case Get(string id) => File.Cases.Single(c => c.Id == id);

    public static TheoryData<string> Supported => new(File.Cases.Where(c => c.NotebookCalc == "right").Select(c => c.Id));

    public static TheoryData<string> Refused => new(File.Cases.Where(c => c.NotebookCalc != "right").Select(c => c.Id));

    public static TheoryData<string> Stated => new(File.Cases.Where(c => c.SympyStates is not null).Select(c => c.Id));

    [Fact]
    public void Every_test_function_of_the_file_is_accounted_for()
    {
        Assert.Equal(SympyTestFunctions, File.TestFunctions.Select(t => t.Name));
        Assert.All(File.Cases, c => Assert.Contains(c.SympyTest, SympyTestFunctions));
        Assert.All(File.NonScalar, n => Assert.Contains(n.SympyTest, SympyTestFunctions));
        foreach (var t in File.TestFunctions)
        {
            // Each function's statements are either translated (scalar) or listed with what it would take (not scalar).
            Assert.Equal(t.ScalarCases, File.Cases.Count(c => c.SympyTest == t.Name));
            Assert.Equal(t.NonScalar, File.NonScalar.Count(n => n.SympyTest == t.Name));
            Assert.True(t.ScalarCases + t.NonScalar > 0, $"{t.Name} has no entry");
        }
        Assert.Equal(72, File.Cases.Count);
        Assert.Equal(40, File.NonScalar.Count);
        Assert.Equal(File.Cases.Count, File.Cases.Select(c => c.Id).Distinct().Count());
        Assert.All(File.NonScalar, n => Assert.False(string.IsNullOrWhiteSpace(n.Support)));
        Assert.All(File.Cases, c => Assert.Contains(c.Relation, new[] { "same", "symmetric-only", "disagrees", "none" }));
        Assert.All(File.Cases, c => Assert.Equal(c.Relation == "none", c.SympyStates is null));
        // Every function in the data is scalar-valued: that is what makes it a conformance case.
        Assert.All(File.Cases, c => Assert.True(MatCalc.Parse(c.Expr, c.Where).Shape.IsScalar, c.Id));
    }

    [Theory]
    [MemberData(nameof(Supported))]
    public void NotebookCalc_derives_the_expected_gradient(string id)
    {
        var c = Get(id);
        var r = MatCalc.Gradient(c.Expr, c.Wrt, c.Where, new GradientOptions { Seed = 2, Dims = c.Dims });
        var text = TextPrinter.Print(r.Gradient);
        Assert.True(r.Check!.Passed, $"{c.Id}: {r.Check.Summary}\n  ∂f = {text}");
        var methods = r.Methods.Where(m => m.Succeeded).ToList();
        Assert.Contains(methods, m => m.Method == "differential");
        // The index method does not write Kronecker products (LANGUAGE.md §5); every other case goes through all three.
        var expectedMethods = c.Expr.Contains("kron(", StringComparison.Ordinal) ? 2 : 3;
        Assert.True(methods.Count == expectedMethods, $"{c.Id}: " +
            string.Join("; ", r.Methods.Where(m => !m.Succeeded).Select(m => $"{m.Method}: {m.Unsupported}")));
        Assert.True(r.Agree, $"{c.Id}: the methods disagree ({r.AgreementBasis})");
        var verdict = MatCalc.Check(c.Expr, c.Wrt, c.Expected, c.Where, new GradientOptions { Seed = 3, Dims = c.Dims });
        Assert.True(verdict.Right, $"{c.Id}: expected {c.Expected}: {verdict.Verdict}\n  derived {text}");
        // The expected gradient against the function's own central differences, independently of the derivation.
        var f = MatCalc.Parse(c.Expr, c.Where);
        foreach (var m in methods)
        {
            var err = CompareWithFiniteDifferences(f, c.Wrt, m.Gradient!, c.Dims, seed: 5);
            Assert.True(err < 1e-6, $"{c.Id}, {m.Method}: {TextPrinter.Print(m.Gradient!)} is off the finite differences by {err:e2}");
        }
        Assert.True(CompareWithFiniteDifferences(f, c.Wrt, Claim(f, c.Expected), c.Dims, seed: 5) < 1e-6, $"{c.Id}: expected {c.Expected}");
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void NotebookCalc_refuses_with_the_recorded_diagnostic(string id)
    {
        var c = Get(id);
        var ex = Assert.Throws<MatcalcException>(() => MatCalc.Gradient(c.Expr, c.Wrt, c.Where, new GradientOptions { Dims = c.Dims }));
        Assert.Equal(c.NotebookCalc, ex.Diagnostics[0].Id);
    }

    [Theory]
    [MemberData(nameof(Stated))]
    public void SymPys_stated_value_is_judged_as_the_data_records(string id)
    {
        var c = Get(id);
        var f = MatCalc.Parse(c.Expr, c.Where);
        if (f.Symbols.All(s => s.Name != c.Wrt))
        {
            // The variable does not occur in f: the derivative is zero, with the variable's shape. (The claim is read with
            // the variable alone declared: SymPy's k is a dimension there and the scalar function elsewhere.)
            Assert.Equal("same", c.Relation);
            var x = MatCalc.Parse(c.Wrt, c.Where);
            var zeroClaim = MatCalc.Parse(c.SympyStates!, Scope.Parse(null).With(x.Symbols.Select(s => new Declaration(s.Name, s.Shape, s.Props, default))));
            Assert.Equal(x.Shape, zeroClaim.Shape);
            var zero = zeroClaim.Evaluate(Sampler.Sample(x.Symbols, 7, c.Dims));
            Assert.All(zero.Enumerate(), v => Assert.Equal(0, v));
            return;
        }
        var stated = Claim(f, c.SympyStates!);
        var evidence = CompareWithFiniteDifferences(f, c.Wrt, stated, c.Dims, seed: 7);
        switch (c.Relation)
        {
            case "same":
                Assert.True(evidence < 1e-6, $"{c.Id}: SymPy's {c.SympyStates} is off the finite differences by {evidence:e2}");
                if (c.NotebookCalc == "right")
                    Assert.True(MatCalc.Check(f, c.Wrt, c.SympyStates!, new GradientOptions { Seed = 3, Dims = c.Dims }).Right);
                break;
            case "disagrees":
            {
                // The numerical evidence: SymPy's value is far from the central differences of the function itself …
                Assert.True(evidence > 1e-2, $"{c.Id}: SymPy's {c.SympyStates} matches the finite differences ({evidence:e2})");
                // … and NotebookCalc's judge says so with a counterexample.
                var verdict = MatCalc.Check(f, c.Wrt, c.SympyStates!, new GradientOptions { Seed = 3, Dims = c.Dims });
                Assert.False(verdict.Right, verdict.Verdict);
                Assert.NotNull(verdict.Counterexample);
                break;
            }
            case "symmetric-only":
            {
                Assert.True(evidence > 1e-2, $"{c.Id}: SymPy's {c.SympyStates} matches the finite differences for general matrices ({evidence:e2})");
                Assert.False(MatCalc.Check(f, c.Wrt, c.SympyStates!, new GradientOptions { Seed = 3, Dims = c.Dims }).Right);
                var symmetric = MatCalc.Parse(c.Expr, c.SymmetricWhere!);
                Assert.True(CompareWithFiniteDifferences(symmetric, c.Wrt, Claim(symmetric, c.SympyStates!), c.Dims, seed: 7) < 1e-6);
                Assert.True(MatCalc.Check(symmetric, c.Wrt, c.SympyStates!, new GradientOptions { Seed = 3, Dims = c.Dims }).Right);
                break;
            }
            default:
                Assert.Fail($"{c.Id}: unknown relation {c.Relation}");
                break;
        }
    }

    [Fact]
    public void The_recorded_disagreements_are_the_two_sympy_marks_wrong()
    {
        // SymPy's file says "TODO: wrong" above exactly two commented assertions; both are recorded as disagreements.
        var disagreements = File.Cases.Where(c => c.Relation == "disagrees").ToList();
        Assert.Equal(["applyfunc-log-AsinXB", "applyfunc-log-sinX"], disagreements.Select(c => c.Id));
        Assert.All(disagreements, c => Assert.False(c.SympyAsserted));
    }

    private static Expr Claim(Expression f, string text)
    {
        var scope = f.Scope.With(f.Symbols.Where(s => !f.Scope.TryGet(s.Name, out _)).Select(s => new Declaration(s.Name, s.Shape, s.Props, default)));
        return MatCalc.Parse(text, scope).Expr;
    }

    /// <summary>
    /// The largest relative difference between a gradient and the central differences of f, entry by entry (step 1e-6), on
    /// the first random instance (from <paramref name="seed"/> on) where f and the gradient are defined.
    /// </summary>
    private static double CompareWithFiniteDifferences(Expression f, string wrt, Expr gradient, IReadOnlyDictionary<string, int>? dims, int seed)
    {
        var symbols = f.Symbols.Concat(gradient.DescendantsAndSelf().OfType<Symbol>()).DistinctBy(s => s.Name).ToList();
        for (var s = seed; s < seed + 20; s++)
        {
            Bindings b;
            Matrix<double> g;
            try
            {
                b = Sampler.Sample(symbols, s, dims);
                g = Evaluator.Evaluate(gradient, b);
                f.Evaluate(b);
            }
            catch (MatcalcException) { continue; }
            var x0 = b[wrt];
            var fd = Matrix<double>.Build.Dense(x0.RowCount, x0.ColumnCount);
            const double h = 1e-6;
            try
            {
                for (var i = 0; i < x0.RowCount; i++)
                    for (var j = 0; j < x0.ColumnCount; j++)
                    {
                        var plus = x0.Clone();
                        plus[i, j] += h;
                        var minus = x0.Clone();
                        minus[i, j] -= h;
                        b.Set(wrt, plus);
                        var fp = f.Evaluate(b)[0, 0];
                        b.Set(wrt, minus);
                        var fm = f.Evaluate(b)[0, 0];
                        fd[i, j] = (fp - fm) / (2 * h);
                    }
            }
            catch (MatcalcException) { continue; }
            finally { b.Set(wrt, x0); }
            Assert.Equal(x0.RowCount, g.RowCount);
            Assert.Equal(x0.ColumnCount, g.ColumnCount);
            var scale = Math.Max(1e-3, Math.Max(fd.FrobeniusNorm(), g.FrobeniusNorm()));
            return (g - fd).FrobeniusNorm() / scale;
        }
        throw new InvalidOperationException($"no instance where {f.Source} and {TextPrinter.Print(gradient)} are defined");
    }
}
