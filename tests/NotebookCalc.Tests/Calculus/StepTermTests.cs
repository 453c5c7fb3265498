using System.Xml.Linq;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Tests.Support;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Tests.Calculus;

/// <summary>Derivation steps are typed terms: every kind is printed by all three printers, and a step carries no markup.</summary>
public class StepTermTests
{
    private static readonly Symbol W = new("W", new Shape(Dim.Of("n"), Dim.Of("m")));
    private static readonly Symbol Omega = new("Omega", new Shape(Dim.Of("m"), Dim.Of("m")));
    private static readonly Symbol H = new("H", new Shape(Dim.Of("n"), Dim.Of("m")));
    private static readonly Symbol X = new("x", Shape.Vector(Dim.Of("n")));
    private static readonly Symbol S = new("s", Shape.Scalar);

    /// <summary>At least one instance of every concrete step-term kind (a test below checks none is missing).</summary>
    public static IEnumerable<StepTerm> Samples()
    {
        yield return new ExprTerm(new MatMul(W, Omega));
        foreach (var f in new[] { FunctionTerm.F, FunctionTerm.Matrix, FunctionTerm.Gradient })
        {
            yield return f;
            yield return new ApplyTerm(f, W);
            yield return new ApplyTerm(f, Omega, H);
            yield return new DifferentialTerm(f);
            yield return new DifferenceQuotientTerm(f, W, H);
            yield return new DirectionTerm(f, W, H);
        }
        yield return new HessianMapTerm(H);
        yield return new PartialTerm(W);
        yield return new PartialTerm(W, new IndexList(["a", "b"]));
        yield return new VecTerm(new HessianMapTerm(H));
        yield return new VecTerm(new DirectionTerm(FunctionTerm.Matrix, W, H));
        yield return new VecDerivativeTerm(Omega, 1);
        yield return new VecDerivativeTerm(Omega, 2);
        yield return new BasisTerm(W, new MatMul(W, Omega), new IndexList(["i", "j"]));
        yield return new BasisTerm(W, Omega, new IndexList(["i", "j"]));
        yield return new BasisTerm(X, new Scale(new Number(2), X), new IndexList(["i"]));
        yield return new BasisTerm(S, new Scale(new Number(3), S), IndexList.Empty);
        yield return new IndexSumTerm(ValueList<IndexProduct>.Empty);
        yield return new EntryTerm(FunctionKind.Matrix, new IndexList(["i", "j"]));
        yield return new EntryTerm(FunctionKind.Matrix, new IndexList(["i"]), W, new IndexList(["a", "b"]));
        yield return new EntryTerm(FunctionKind.Gradient, new IndexList(["i", "j"]));
        yield return new EntryTerm(FunctionKind.Gradient, new IndexList(["i", "j"]), W, new IndexList(["a", "b"]));
        yield return new MapEntryTerm(new HessianMapTerm(H), new IndexList(["i", "j"]));
        yield return new MapEntryTerm(new DirectionTerm(FunctionTerm.Matrix, W, H), new IndexList(["i"]));
        yield return new VecEntryTerm(W, 1, "i", "a + n(b - 1)");
        yield return new VecEntryTerm(W, 2, "i + n(j - 1)", "a + n(b - 1)");
        yield return new IndexSumTerm(new List<IndexProduct>
        {
            new(0.5, new List<Expr> { S }, new List<IndexFactor> { new EntryFactor(W, "i", "j"), new DeltaFactor("i", "a") }, new IndexList(["i", "j"])),
            new(-2, ValueList<Expr>.Empty, new List<IndexFactor> { new EntryFactor(new MatMul(W, Omega), "a", "b") }, IndexList.Empty),
            new(1, ValueList<Expr>.Empty, new List<IndexFactor> { new PowerFactor(Omega, 5, "t", true, "a", "p"), new PowerFactor(Omega, 5, "t", false, "p", "b") },
                new IndexList(["p"]), new PowerRange("t", 4)),
        });
    }

    [Fact]
    public void Every_kind_of_step_term_has_a_sample()
    {
        var kinds = typeof(StepTerm).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(StepTerm)) && !t.IsAbstract).ToHashSet();
        kinds.ExceptWith(Samples().Select(s => s.GetType()));
        Assert.Empty(kinds);
    }

    [Fact]
    public void The_three_printers_render_every_kind()
    {
        foreach (var term in Samples())
        {
            Assert.False(string.IsNullOrWhiteSpace(TextPrinter.Print(term)), term.ToString());
            Assert.False(string.IsNullOrWhiteSpace(LatexPrinter.Print(term)), term.ToString());
            var mathMl = MathMlPrinter.Row(term);
            // Well-formed presentation MathML, and never the plain-text fallback of the left-hand sides.
            var root = XElement.Parse($"<math xmlns=\"http://www.w3.org/1998/Math/MathML\">{mathMl.Replace("&#x2062;", "\u2062").Replace("&#x2061;", "\u2061")}</math>");
            Assert.DoesNotContain(root.Descendants(), e => e.Name.LocalName == "mtext");
        }
    }

    [Fact]
    public void The_mathml_of_the_named_terms_reads_as_their_latex()
    {
        // The MathML printer writes the named terms itself; read back from the LaTeX printer's output by the left-hand-side
        // reader, they come out the same element for element (one notation, two printers).
        foreach (var term in Samples().Where(t => t is not (ExprTerm or IndexSumTerm or BasisTerm)))
            Assert.Equal(MathMlLayout.FromLatex(LatexPrinter.Print(term)), MathMlPrinter.Row(term));
    }

    [Fact]
    public void The_latex_of_every_kind_renders_under_katex_strict()
    {
        Assert.True(Katex.IsAvailable(out var reason), reason);
        var bad = Katex.Validate(Samples().Select(LatexPrinter.Print)).Where(x => !x.Ok).ToList();
        Assert.True(bad.Count == 0, string.Join("\n", bad.Select(b => b.Latex + " → " + b.Error)));
    }

    [Fact]
    public void Printed_forms_of_the_named_terms()
    {
        Assert.Equal("f(W + ε H)", TextPrinter.Print(new ApplyTerm(FunctionTerm.F, W, H)));
        Assert.Equal(@"\nabla f(W + \varepsilon H)", LatexPrinter.Print(new ApplyTerm(FunctionTerm.Gradient, W, H)));
        Assert.Equal("(F(W + ε H) - F(W))/ε", TextPrinter.Print(new DifferenceQuotientTerm(FunctionTerm.Matrix, W, H)));
        Assert.Equal("d(∇f)", TextPrinter.Print(new DifferentialTerm(FunctionTerm.Gradient)));
        Assert.Equal("df/dW_ab", TextPrinter.Print(new PartialTerm(W, new IndexList(["a", "b"]))));
        Assert.Equal(@"\frac{\partial f}{\partial \Omega}", LatexPrinter.Print(new PartialTerm(Omega)));
        Assert.Equal("Df(W)[E_ij] = tr((W Omega)' E_ij) = (W Omega)_ij",
            TextPrinter.Print(new BasisTerm(W, new MatMul(W, Omega), new IndexList(["i", "j"]))));
        Assert.Equal("-Σ_ij s / 2 W_ij δ_ia",
            TextPrinter.Print(new IndexSumTerm(new List<IndexProduct>
                { new(-0.5, new List<Expr> { S }, new List<IndexFactor> { new EntryFactor(W, "i", "j"), new DeltaFactor("i", "a") }, new IndexList(["i", "j"])) })));
    }

    [Fact]
    public void A_step_is_data_with_no_markup_strings()
    {
        var strings = typeof(DerivationStep).GetProperties().Where(p => p.PropertyType == typeof(string)).Select(p => p.Name).Order().ToList();
        Assert.Equal(["Note", "Rule"], strings);
        Assert.DoesNotContain(typeof(StepTerm).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(StepTerm))).SelectMany(t => t.GetProperties()),
            p => p.PropertyType == typeof(string) && p.Name.Contains("Latex", StringComparison.Ordinal) || p.Name.Contains("MathMl", StringComparison.Ordinal));
    }

    [Fact]
    public void Terms_compare_structurally()
    {
        Assert.Equal(new PartialTerm(W, new IndexList(["a", "b"])), new PartialTerm(W, new IndexList(new List<string> { "a", "b" })));
        Assert.NotEqual(new PartialTerm(W, new IndexList(["a", "b"])), new PartialTerm(W, new IndexList(["b", "a"])));
        Assert.Equal(Samples().Last(), Samples().Last());
        Assert.Equal(Samples().Last().GetHashCode(), Samples().Last().GetHashCode());
    }

    [Fact]
    public void Index_steps_hold_their_deltas_as_data()
    {
        var r = MatCalc.Gradient("norm(X W Z - X)^2", "W", "X: a x b; W: b x c; Z: c x b", new GradientOptions { Method = "index", Check = false });
        var steps = r.Methods.Single().Steps;
        var product = steps.Single(s => s.Rules[0] == Rules.IndexProduct.Name);
        var contracted = steps.Single(s => s.Rules[0] == Rules.IndexContract.Name);
        static IEnumerable<IndexFactor> Factors(DerivationStep s) => ((IndexSumTerm)s.Rhs).Products.SelectMany(p => p.Factors);
        Assert.Contains(Factors(product), f => f is DeltaFactor);
        Assert.DoesNotContain(Factors(contracted), f => f is DeltaFactor);
        Assert.Equal(new PartialTerm(product.Lhs is PartialTerm p ? p.Variable : W, new IndexList(["a", "b"])), product.Lhs);
        Assert.All(((IndexSumTerm)contracted.Rhs).Products, p => Assert.Equal(["i", "j"], p.Summed));
    }

    [Fact]
    public void Steps_name_catalogued_rules_with_their_conditions()
    {
        var r = MatCalc.Gradient("l1/2 tr(W W') + l2/2 tr(W inv(Omega) W')", "W", "W: n x m; Omega: m x m symmetric invertible; l1, l2: scalar");
        var refs = r.Methods.SelectMany(m => m.Steps).SelectMany(s => s.Applied).ToList();
        Assert.Contains(refs, x => x.Id == Rules.IdentifyGradient.Name && x.Condition is null);
        Assert.All(refs.Where(x => Rules.Exists(x.Id)), x => Assert.Equal(Rules.Get(x.Id).Assumption, x.Condition));
    }
}
