using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;
using NotebookCalc.Semantics;

namespace NotebookCalc.Expressions;

/// <summary>
/// A total order on expression trees that never looks at printed text: the node kind first (leaves before operators,
/// then by type name), then the children from left to right, then the node's own values (names, numbers, exponents,
/// kinds, shapes). It is consistent with structural equality: Compare(a, b) == 0 exactly when a == b. Sorting and
/// collecting terms by it stays the same whatever the printers do.
/// </summary>
public sealed class ExprOrder : IComparer<Expr>
{
    public static readonly ExprOrder Instance = new();

    /// <summary>Plain symbols first (λ₁ tr(…), not tr(…) λ₁), then the structural order: the order of scalar factors.</summary>
    public static readonly IComparer<Expr> SymbolsFirst = Comparer<Expr>.Create((a, b) =>
        a is Symbol == b is Symbol ? Instance.Compare(a, b) : a is Symbol ? -1 : 1);

    private ExprOrder() { }

    public int Compare(Expr? a, Expr? b)
    {
        if (ReferenceEquals(a, b)) return 0;
        if (a is null) return -1;
        if (b is null) return 1;
        var ta = a.GetType();
        var tb = b.GetType();
        if (ta != tb)
        {
            var leaf = (a is LeafExpr ? 0 : 1).CompareTo(b is LeafExpr ? 0 : 1);
            return leaf != 0 ? leaf : string.CompareOrdinal(ta.FullName, tb.FullName);
        }
        var ca = a.Children;
        var cb = b.Children;
        var n = ca.Count.CompareTo(cb.Count);
        if (n != 0) return n;
        for (var i = 0; i < ca.Count; i++)
        {
            var c = Compare(ca[i], cb[i]);
            if (c != 0) return c;
        }
        foreach (var value in Values(ta))
        {
            var c = CompareValues(value(a), value(b));
            if (c != 0) return c;
        }
        return 0;
    }

    private static readonly ConcurrentDictionary<Type, Func<Expr, object?>[]> ValueCache = new();

    /// <summary>What reading a node's values needs of its type; <see cref="Expr"/> carries it, so Native AOT keeps it.</summary>
    internal const DynamicallyAccessedMemberTypes NodeMembers =
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.NonPublicConstructors |
        DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.NonPublicProperties;

    /// <summary>The node's own values: the properties of its primary constructor that are not operands.</summary>
    private static Func<Expr, object?>[] Values([DynamicallyAccessedMembers(NodeMembers)] Type t)
    {
        if (ValueCache.TryGetValue(t, out var cached)) return cached;
        var ctor = t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(c => !(c.GetParameters() is [var only] && only.ParameterType == t))
            .MaxBy(c => c.GetParameters().Length);
        var values = new List<Func<Expr, object?>>();
        foreach (var p in ctor?.GetParameters() ?? [])
        {
            if (typeof(Expr).IsAssignableFrom(p.ParameterType) || typeof(IEnumerable<Expr>).IsAssignableFrom(p.ParameterType)) continue;
            if (t.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance) is { } prop)
                values.Add(prop.GetValue);
        }
        return ValueCache.GetOrAdd(t, [.. values]);
    }

    private static int CompareValues(object? x, object? y)
    {
        if (Equals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        return (x, y) switch
        {
            (string s, string t) => string.CompareOrdinal(s, t),
            (double d, double e) => d.CompareTo(e),
            (Enum d, Enum e) => Convert.ToInt64(d).CompareTo(Convert.ToInt64(e)),
            (IComparable d, _) when x.GetType() == y.GetType() => d.CompareTo(y),
            // Shapes, dimensions and other values: by their description, then by kind (never 0 for unequal values).
            _ => string.CompareOrdinal(x.ToString(), y.ToString()) is var c and not 0 ? c
                : string.CompareOrdinal(x.GetType().FullName, y.GetType().FullName) is var k and not 0 ? k
                : x.GetHashCode().CompareTo(y.GetHashCode()),
        };
    }
}
