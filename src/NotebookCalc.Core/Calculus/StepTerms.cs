using System.Collections;
using NotebookCalc.Semantics;

namespace NotebookCalc.Calculus;

/// <summary>
/// One side of a derivation step as data: an expression, a named function or its differential, a directional derivative,
/// a partial derivative, an index-notation sum with its Kronecker deltas, or the Gâteaux basis chain. The printers
/// (text, LaTeX, MathML) render every kind; no method writes markup. Records compare structurally.
/// </summary>
public abstract record StepTerm;

/// <summary>A single expression.</summary>
public sealed record ExprTerm(Expr Expr) : StepTerm;

/// <summary>Which function a derivation is about: f (scalar), F (matrix-valued), ∇f (the gradient, for a Hessian).</summary>
public enum FunctionKind { Scalar, Matrix, Gradient }

/// <summary>The function itself: f, F or ∇f.</summary>
public sealed record FunctionTerm(FunctionKind Kind) : StepTerm
{
    public static readonly FunctionTerm F = new(FunctionKind.Scalar);
    public static readonly FunctionTerm Matrix = new(FunctionKind.Matrix);
    public static readonly FunctionTerm Gradient = new(FunctionKind.Gradient);
}

/// <summary>The function at X, or at the shifted point X + εH when <see cref="Direction"/> is given: f(X), f(X + εH).</summary>
public sealed record ApplyTerm(FunctionTerm Function, Symbol At, Symbol? Direction = null) : StepTerm;

/// <summary>The differential of a term: df, dF, d(∇f).</summary>
public sealed record DifferentialTerm(StepTerm Of) : StepTerm;

/// <summary>The difference quotient (f(X + εH) − f(X)) / ε.</summary>
public sealed record DifferenceQuotientTerm(FunctionTerm Function, Symbol At, Symbol Direction) : StepTerm;

/// <summary>The directional derivative Df(X)[H] (DF(X)[H] for a matrix-valued F).</summary>
public sealed record DirectionTerm(FunctionTerm Function, Symbol At, Symbol Direction) : StepTerm;

/// <summary>The Hessian applied to a direction: ∇²f[H].</summary>
public sealed record HessianMapTerm(Symbol Direction) : StepTerm;

/// <summary>∂f/∂X, or one entry's ∂f/∂X_ab when <see cref="Indices"/> name the entry (none for a scalar).</summary>
public sealed record PartialTerm(Symbol Variable, IndexList Indices) : StepTerm
{
    public PartialTerm(Symbol variable) : this(variable, IndexList.Empty) { }
}

/// <summary>vec of a term: vec(∇²f[H]), vec(DF(X)[H]).</summary>
public sealed record VecTerm(StepTerm Of) : StepTerm;

/// <summary>The vec derivative: ∂vec F/∂(vec X)ᵀ (order 1, a Jacobian) or ∂²f/∂vec X ∂(vec X)ᵀ (order 2, a Hessian).</summary>
public sealed record VecDerivativeTerm(Symbol Variable, int Order) : StepTerm;

/// <summary>
/// The Gâteaux basis step: Df(X)[E_ij] = tr(Gᵀ E_ij) = G_ij (Df(x)[e_i] = Gᵀ e_i = G_i for a vector, Df(x)[1] = G for a
/// scalar): the direction set to one basis matrix picks out one entry of the gradient G.
/// </summary>
public sealed record BasisTerm(Symbol Variable, Expr Gradient, IndexList Indices) : StepTerm
{
    /// <summary>G is bracketed unless it is a single symbol.</summary>
    public bool Atomic => Gradient is Symbol;
}

/// <summary>A sum of index-notation products (an empty sum is 0).</summary>
public sealed record IndexSumTerm(ValueList<IndexProduct> Products) : StepTerm;

/// <summary>
/// coefficient · Π scalars · Π entries, summed over <see cref="Summed"/>; <see cref="Range"/> is the summation
/// Σ_{t=0}^{k−1} of a matrix power's derivative, when the product has one.
/// </summary>
public sealed record IndexProduct(double Coefficient, ValueList<Expr> Scalars, ValueList<IndexFactor> Factors, IndexList Summed, PowerRange? Range = null);

/// <summary>Σ_{Index=0}^{Last}.</summary>
public sealed record PowerRange(string Index, int Last);

/// <summary>One entry of a product; a null index is a dimension of size 1.</summary>
public abstract record IndexFactor(string? Row, string? Col)
{
    public IndexList Indices => new(new[] { Row, Col }.OfType<string>().ToList());
}

/// <summary>The entry M_rc of a matrix expression.</summary>
public sealed record EntryFactor(Expr Matrix, string? Row, string? Col) : IndexFactor(Row, Col);

/// <summary>The Kronecker delta δ_rc (the identity's entry).</summary>
public sealed record DeltaFactor(string? Row, string? Col) : IndexFactor(Row, Col);

/// <summary>
/// (Aᵗ)_rc (<see cref="Left"/>) or (A^{k−1−t})_rc: an entry of one of the two powers inside the summation that the
/// derivative of Aᵏ is.
/// </summary>
public sealed record PowerFactor(Expr Base, int K, string Index, bool Left, string? Row, string? Col) : IndexFactor(Row, Col);

/// <summary>A list with structural equality (records holding it compare it element by element).</summary>
public sealed class ValueList<T>(IReadOnlyList<T> items) : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    public static readonly ValueList<T> Empty = new([]);

    public T this[int index] => items[index];

    public int Count => items.Count;

    public IEnumerator<T> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(ValueList<T>? other) => other is not null && items.SequenceEqual(other);

    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var x in items) h.Add(x);
        return h.ToHashCode();
    }

    public static implicit operator ValueList<T>(List<T> items) => new(items);

    public static implicit operator ValueList<T>(T[] items) => new(items);
}

/// <summary>Index names (i, j, a, b, …) as a structural list.</summary>
public sealed class IndexList(IReadOnlyList<string> names) : IReadOnlyList<string>, IEquatable<IndexList>
{
    public static readonly IndexList Empty = new([]);

    public string this[int index] => names[index];

    public int Count => names.Count;

    /// <summary>The names run together, as subscripts are written: "ij".</summary>
    public string Joined => string.Concat(names);

    public IEnumerator<string> GetEnumerator() => names.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(IndexList? other) => other is not null && names.SequenceEqual(other, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as IndexList);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Joined);

    public static implicit operator IndexList(List<string> names) => new(names);

    public static implicit operator IndexList(string[] names) => new(names);
}

/// <summary>A reference into the rule catalogue: the rule's id and the side condition it relied on (null: none).</summary>
public sealed record RuleRef(string Id, string? Condition)
{
    /// <summary>The reference for a rule name, with the catalogue's condition (names outside the catalogue have none).</summary>
    public static RuleRef Of(string id) => new(id, Calculus.Rules.Exists(id) ? Calculus.Rules.Get(id).Assumption : null);
}
