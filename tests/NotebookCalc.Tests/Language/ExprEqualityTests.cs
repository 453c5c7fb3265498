using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Tests.Language;

/// <summary>
/// Tree equality compares each operand once: the operand-holding base records compare only the node type, and every
/// concrete node declares its operands as its own positional properties (so they are compared). Comparing twice per level
/// was 2^depth work — 13 s for one derivation of SymPy's "complicated expression".
/// </summary>
public class ExprEqualityTests
{
    public static TheoryData<string> OperandNodes => new(typeof(Expr).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && (typeof(UnaryExpr).IsAssignableFrom(t) || typeof(BinaryExpr).IsAssignableFrom(t)))
        .Select(t => t.FullName!));

    [Theory]
    [MemberData(nameof(OperandNodes))]
    public void Every_node_type_declares_its_operands_so_equality_compares_them(string typeName)
    {
        var type = typeof(Expr).Assembly.GetType(typeName)!;
        var own = type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
            .Count(p => p.PropertyType == typeof(Expr));
        Assert.Equal(typeof(BinaryExpr).IsAssignableFrom(type) ? 2 : 1, own);
    }

    [Fact]
    public void Equal_trees_are_equal_with_equal_hashes_and_any_difference_counts()
    {
        var a = new Symbol("A", Shape.Matrix(Dim.Of("n"), Dim.Of("n")));
        var b = new Symbol("B", Shape.Matrix(Dim.Of("n"), Dim.Of("n")));
        Expr Build(Expr leaf) => new Trace(new Add(new MatMul(a, new Transpose(leaf)), new Hadamard(new Inverse(a), new Neg(leaf))));
        Assert.Equal(Build(b), Build(b));
        Assert.Equal(Build(b).GetHashCode(), Build(b).GetHashCode());
        Assert.NotEqual(Build(a), Build(b));
        Assert.NotEqual<Expr>(new Add(a, b), new Add(b, a));
        Assert.NotEqual<Expr>(new Add(a, b), new MatMul(a, b));
        Assert.NotEqual<Expr>(new Power(a, 2), new Power(a, 3));
    }

    [Fact]
    public void Comparing_a_deep_tree_visits_each_node_once()
    {
        // 60 levels: at 2 comparisons per level this would not finish; at one it is immediate.
        var x = new Symbol("X", Shape.Matrix(Dim.Of("n"), Dim.Of("n")));
        Expr Deep(int depth) { Expr e = x; for (var i = 0; i < depth; i++) e = new Add(new Transpose(e), x); return e; }
        Assert.True(Deep(60).Equals(Deep(60)));
        Assert.False(Deep(60).Equals(Deep(59)));
        Assert.Equal(Deep(60).GetHashCode(), Deep(60).GetHashCode());
    }
}
