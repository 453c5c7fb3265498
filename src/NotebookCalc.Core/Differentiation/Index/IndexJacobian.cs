using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Differentiation.Index;

/// <summary>
/// The index method for Jacobians and Hessians: F written entry by entry, F_ij, differentiated by the component rules of
/// the gradient's index method into ∂F_ij/∂X_ab (Kronecker deltas from ∂X_rc/∂X_ab = δ_ra δ_cb), contracted, read as the
/// entry (i + p(j − 1), a + n(b − 1)) of the vec matrix (numerator layout, column-major vec), applied to the direction —
/// DF(X)[H]_ij = Σ_ab ∂F_ij/∂X_ab H_ab — and translated back to matrix notation by the same index-graph walk. A Hessian is
/// the Jacobian of the gradient: ∂²f/∂X_ij ∂X_ab = ∂(∇f)_ij/∂X_ab. Where the gradient's index method declines (opaque
/// functions, Kronecker products, vec) this one declines with the same reason.
/// </summary>
public sealed partial class IndexMethod
{
    /// <summary>A translator of index terms back to matrices whose free indices are <paramref name="row"/>, <paramref name="col"/> of a result shaped like <paramref name="result"/>.</summary>
    private IndexMethod(Symbol result, string? row, string? col, string[] indexNames)
    {
        _x = result;
        _a = row;
        _b = col;
        _indexNames = indexNames;
    }

    /// <summary>The Jacobian map DF(X)[H] of a matrix-, vector- or scalar-valued F by index notation (not yet simplified).</summary>
    public static (List<DerivationStep> Steps, Expr Map) JacobianMap(Expr f, Symbol x, Symbol h) => Start(f, x, h).RunMap(f, h, hessian: false);

    /// <summary>The Hessian map ∇²f[H] by index notation: the Jacobian of the gradient G (not yet simplified).</summary>
    public static (List<DerivationStep> Steps, Expr Map) HessianMap(Expr gradient, Symbol x, Symbol h) => Start(gradient, x, h).RunMap(gradient, h, hessian: true);

    /// <summary>Index letters avoid the names of symbols and of dimensions (the vec entry i + p(j − 1) names a dimension).</summary>
    private static IndexMethod Start(Expr f, Symbol x, Symbol h)
    {
        var symbols = f.DescendantsAndSelf().OfType<Symbol>().Append(x).Append(h).ToList();
        var taken = symbols.Select(s => s.Name)
            .Concat(symbols.SelectMany(s => new[] { s.Shape.Rows, s.Shape.Cols }).Concat([f.Shape.Rows, f.Shape.Cols]).Select(d => d.ToString()))
            .ToHashSet(StringComparer.Ordinal);
        return new IndexMethod(x, taken);
    }

    /// <summary>i + p(j − 1) for the entry (i, j) of a matrix with p rows (i for a column, j for a row, 1 for a scalar).</summary>
    private static string VecIndex(string? row, string? col, Dim rows) => (row, col) switch
    {
        (null, null) => "1",
        (not null, null) => row,
        (null, not null) => col,
        _ => $"{row} + {rows}({col} - 1)",
    };

    private (List<DerivationStep> Steps, Expr Map) RunMap(Expr f, Symbol h, bool hessian)
    {
        var kind = hessian ? FunctionKind.Gradient : FunctionKind.Matrix;
        var i = f.Shape.Rows.IsOne ? null : Fresh();
        var j = f.Shape.Cols.IsOne ? null : Fresh();
        IndexList entry = new[] { i, j }.OfType<string>().ToList();
        IndexList at = new[] { _a, _b }.OfType<string>().ToList();
        var steps = new List<DerivationStep> { new(new FunctionTerm(kind), f, [hessian ? Rules.IdentifyGradient.Name : "definition"]) };

        var terms = Entries(ToIndex(f, i, j));
        steps.Add(Step(new EntryTerm(kind, entry), terms, [Rules.IndexWrite.Name]));

        var partial = new EntryTerm(kind, entry, _x, at);
        _used.Clear();
        var derivative = Entries(terms.SelectMany(Differentiate).ToList());
        steps.Add(Step(partial, derivative, [Rules.IndexProduct.Name, .. _used.OrderBy(r => r, StringComparer.Ordinal)]));

        var contracted = derivative.Select(Contract).Where(t => t.Coef != 0).ToList();
        steps.Add(Step(partial, contracted, [Rules.IndexContract.Name]));
        steps.Add(new DerivationStep(new VecEntryTerm(_x, hessian ? 2 : 1, VecIndex(i, j, f.Shape.Rows), VecIndex(_a, _b, _x.Shape.Rows)), partial, [Rules.IndexVec.Name]));

        // DF(X)[H]_ij = Σ_ab ∂F_ij/∂X_ab H_ab: the deltas that carried a and b now carry H's entries.
        var applied = Entries(Product(contracted, Atom(h, _a, _b)).Select(t => t with { Summed = [.. t.Summed, .. at] }).Select(Contract).Where(t => t.Coef != 0).ToList());
        StepTerm map = hessian ? new HessianMapTerm(h) : JacobianMethods.Map(_x, h);
        steps.Add(Step(new MapEntryTerm(map, entry), applied, [Rules.IndexDirection.Name, Rules.IndexContract.Name]));

        var translator = new IndexMethod(new Symbol(_x.Name, f.Shape), i, j, _indexNames);
        var matrix = Ops.Sum(applied.Select(translator.ToMatrix), f.Shape);
        steps.Add(new DerivationStep(map, matrix, [Rules.IndexToMatrix.Name, .. translator._used.Where(r => r == Rules.PowerSumCommuting.Name)]));
        return (steps, matrix);
    }

    /// <summary>
    /// The index derivation among <paramref name="methods"/> with the vec matrix in Kronecker form as its last step (the
    /// entries it identified, written as one matrix), when there is one.
    /// </summary>
    public static IReadOnlyList<Derivation> WithVecMatrix(IReadOnlyList<Derivation> methods, Expr? vec, Symbol x, int order) =>
        vec is null ? methods : methods.Select(m => m.Method == Name && m.Succeeded
            ? m with { Steps = [.. m.Steps, new DerivationStep(new VecDerivativeTerm(x, order), vec, [Rules.IndexVec.Name])] }
            : m).ToList();
}
