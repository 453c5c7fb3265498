using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;
namespace NotebookCalc.Semantics;

/// <summary>A dimension being inferred: a union-find node that may carry a known <see cref="Dim"/>.</summary>
internal sealed class DimVar
{
    private DimVar? _parent;
    private Dim? _value;

    public DimVar(Dim? value = null) => _value = value;

    public DimVar Root()
    {
        var r = this;
        while (r._parent is not null) r = r._parent;
        var x = this;
        while (x._parent is not null && x._parent != r) (x, x._parent) = (x._parent, r);
        return r;
    }

    public Dim? Value => Root()._value;

    public bool Known => Value is not null;

    public bool IsOne => Value is { IsOne: true };

    /// <summary>Makes the two the same dimension; false when both are known and differ.</summary>
    public static bool Unify(DimVar a, DimVar b)
    {
        var ra = a.Root();
        var rb = b.Root();
        if (ra == rb) return true;
        if (ra._value is not null && rb._value is not null)
        {
            if (ra._value != rb._value) return false;
            rb._parent = ra;
            return true;
        }
        if (ra._value is null) ra._parent = rb;
        else rb._parent = ra;
        return true;
    }

    public bool Assign(Dim value) => Unify(this, new DimVar(value));

    /// <summary>Whether <see cref="Unify"/> of every pair would succeed, without unifying anything.</summary>
    public static bool CanUnifyAll(IEnumerable<(DimVar A, DimVar B)> pairs)
    {
        var parent = new Dictionary<DimVar, DimVar>(ReferenceEqualityComparer.Instance);
        var value = new Dictionary<DimVar, Dim?>(ReferenceEqualityComparer.Instance);
        DimVar Find(DimVar x)
        {
            x = x.Root();
            while (parent.TryGetValue(x, out var p)) x = p;
            return x;
        }
        Dim? ValueOf(DimVar root) => value.TryGetValue(root, out var v) ? v : root._value;
        foreach (var (a, b) in pairs)
        {
            var ra = Find(a);
            var rb = Find(b);
            if (ra == rb) continue;
            var (va, vb) = (ValueOf(ra), ValueOf(rb));
            if (va is not null && vb is not null && va != vb) return false;
            parent[ra] = rb;
            value[rb] = va ?? vb;
        }
        return true;
    }

    public override string ToString() => Value?.ToString() ?? "?";
}

/// <summary>The shape of a subexpression while it is being inferred.</summary>
internal sealed record ShapeVar(DimVar Rows, DimVar Cols)
{
    public static ShapeVar Fresh() => new(new DimVar(), new DimVar());

    public static ShapeVar Scalar() => new(new DimVar(Dim.One), new DimVar(Dim.One));

    public static ShapeVar Of(Shape s) => new(new DimVar(s.Rows), new DimVar(s.Cols));

    public ShapeVar T => new(Cols, Rows);

    public bool KnownScalar => Rows.IsOne && Cols.IsOne;

    /// <summary>At least one dimension is known and is not 1: this cannot be a scalar.</summary>
    public bool KnownNonScalar => (Rows.Known && !Rows.IsOne) || (Cols.Known && !Cols.IsOne);

    public bool Resolved => Rows.Known && Cols.Known;

    public Shape ToShape() => new(Rows.Value!, Cols.Value!);

    /// <summary>Whether <see cref="Unify"/> would succeed (rows with rows and columns with columns, linked dimensions
    /// included), without unifying anything.</summary>
    public static bool CanUnifyFully(ShapeVar a, ShapeVar b) => DimVar.CanUnifyAll([(a.Rows, b.Rows), (a.Cols, b.Cols)]);

    public static bool Unify(ShapeVar a, ShapeVar b) =>
        DimVar.Unify(a.Rows, b.Rows) & DimVar.Unify(a.Cols, b.Cols);

    public bool CanUnify(ShapeVar other) => Compatible(Rows, other.Rows) && Compatible(Cols, other.Cols);

    private static bool Compatible(DimVar a, DimVar b) => a.Value is null || b.Value is null || a.Value == b.Value;

    public override string ToString() =>
        KnownScalar ? "scalar" : $"{Rows}×{Cols}";
}
