using NotebookCalc.Calculus;
using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Tests.Support;

namespace NotebookCalc.Tests.Calculus;

/// <summary>
/// Ordering and collection of terms use <see cref="ExprOrder"/>, a total order on trees, never printed text: so how a
/// printer writes a node cannot change which terms are like terms or in which order they come.
/// </summary>
public class StructuralOrderTests
{
    /// <summary>Fixed-seed random expressions (including subtrees, so that near-equal pairs occur often).</summary>
    private static List<Expr> Corpus(int count, int seed)
    {
        var list = new List<Expr>();
        ExprGen.ForAll(e => list.AddRange(e.DescendantsAndSelf().Take(6)), count, seed);
        return list;
    }

    [Fact]
    public void The_order_is_total_and_consistent_with_structural_equality()
    {
        var xs = Corpus(300, 7);
        var random = new Random(11);
        for (var n = 0; n < 20_000; n++)
        {
            var a = xs[random.Next(xs.Count)];
            var b = xs[random.Next(xs.Count)];
            var c = xs[random.Next(xs.Count)];
            var ab = ExprOrder.Instance.Compare(a, b);
            Assert.Equal(-Math.Sign(ab), Math.Sign(ExprOrder.Instance.Compare(b, a)));
            Assert.True(ab == 0 == a.Equals(b), $"compare {ab} but equals {a.Equals(b)}: {a} / {b}");
            if (ab <= 0 && ExprOrder.Instance.Compare(b, c) <= 0)
                Assert.True(ExprOrder.Instance.Compare(a, c) <= 0, $"not transitive: {a} ≤ {b} ≤ {c}");
        }
    }

    [Fact]
    public void Rebuilt_trees_compare_equal_to_the_originals()
    {
        foreach (var e in Corpus(200, 8))
        {
            var copy = Rebuild(e);
            Assert.NotSame(e, copy);
            Assert.Equal(0, ExprOrder.Instance.Compare(e, copy));
        }
        static Expr Rebuild(Expr e) => e.Children.Count == 0 ? e with { } : e.With(e.Children.Select(Rebuild).ToList());
    }

    [Fact]
    public void Sorting_does_not_depend_on_the_input_order()
    {
        var xs = Corpus(150, 9);
        var sorted = xs.Order(ExprOrder.Instance).ToList();
        var random = new Random(3);
        for (var k = 0; k < 5; k++)
        {
            var shuffled = xs.OrderBy(_ => random.Next()).ToList();
            Assert.Equal(sorted, shuffled.Order(ExprOrder.Instance).ToList());
        }
    }

    [Fact]
    public void The_order_disagrees_with_printed_text_where_text_would_mislead()
    {
        // Trees that differ only in grouping are different trees, and the order says so.
        var n = Dim.Of("n");
        var a = new Symbol("A", new Shape(n, n));
        var b = new Symbol("B", new Shape(n, n));
        var c = new Symbol("C", new Shape(n, n));
        Expr left = new MatMul(new MatMul(a, b), c), right = new MatMul(a, new MatMul(b, c));
        Assert.NotEqual(0, ExprOrder.Instance.Compare(left, right));
        // Symbols by name; leaves before operators; the values of a node after its children.
        Assert.True(ExprOrder.Instance.Compare(a, b) < 0);
        Assert.True(ExprOrder.Instance.Compare(c, new Transpose(a)) < 0);
        Assert.True(ExprOrder.Instance.Compare(new Power(a, 2), new Power(a, 3)) < 0);
        Assert.True(ExprOrder.SymbolsFirst.Compare(new Symbol("z", Shape.Scalar), new Trace(a)) < 0);
    }

    [Fact]
    public void Entrywise_products_and_scalar_factors_come_in_the_structural_order()
    {
        // The factors of a Hadamard product are symbols first (by name), then by the structural order; the same tree
        // whatever order they were written in.
        var where = "A: n x m; B: n x m; s, t: scalar";
        var one = Simplifier.Simplify(MatCalc.Parse("exp(A) .* B .* sigmoid(A) .* (A - B) .* A'' .* B", where).Expr);
        var two = Simplifier.Simplify(MatCalc.Parse("(A - B) .* sigmoid(A) .* B .* A'' .* exp(A) .* B", where).Expr);
        Assert.Equal(one, two);
        Assert.StartsWith("A .* B.^2 .* ", TextPrinter.Print(one));
        var three = MatCalc.Gradient("t s tr(A' B) + s t tr(B' A)", "A", where, new GradientOptions { Check = false });
        Assert.Equal("2 s t B", TextPrinter.Print(three.Gradient));
    }
}
