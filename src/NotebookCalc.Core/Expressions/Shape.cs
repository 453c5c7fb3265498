using System.Globalization;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;
using NotebookCalc.Semantics;

namespace NotebookCalc.Expressions;

/// <summary>A symbolic dimension: a positive integer, a name (n, m), or a product (from Kronecker products and vec).</summary>
public abstract record Dim
{
    public static readonly Dim One = new ConstDim(1);

    public static Dim Of(int value) => value == 1 ? One : new ConstDim(value);

    public static Dim Of(string name) => new NamedDim(name);

    /// <summary>
    /// a·b in a normal form — constants multiplied and in front, named factors sorted — so that equal sizes are equal
    /// dimensions: kron(B', A) (q·p × m·n) multiplies vec(X) (n·m × 1).
    /// </summary>
    /// <exception cref="OverflowException">The constant factor exceeds <see cref="MaxConstant"/> (nested Kronecker products).</exception>
    public static Dim Product(Dim a, Dim b)
    {
        var constant = 1L;
        var factors = new List<Dim>();
        void Collect(Dim d)
        {
            switch (d)
            {
                case ConstDim c:
                    constant = checked(constant * c.Value);
                    if (constant > MaxConstant) throw new OverflowException($"a dimension larger than {MaxConstant}");
                    break;
                case ProductDim p: Collect(p.Left); Collect(p.Right); break;
                default: factors.Add(d); break;
            }
        }
        Collect(a);
        Collect(b);
        factors.Sort((x, y) => string.CompareOrdinal(x.ToString(), y.ToString()));
        Dim? result = constant == 1 ? null : Of(checked((int)constant));
        foreach (var f in factors) result = result is null ? f : new ProductDim(result, f);
        return result ?? One;
    }

    /// <summary>The largest constant size a product of dimensions may have (a declared dimension is at most 100,000).</summary>
    public const long MaxConstant = 1_000_000_000;

    public bool IsOne => this is ConstDim { Value: 1 };

    /// <summary>The concrete size under an assignment of named dimensions.</summary>
    public abstract int Evaluate(IReadOnlyDictionary<string, int> sizes);

    public abstract IEnumerable<string> Names();
}

public sealed record ConstDim(int Value) : Dim
{
    public override int Evaluate(IReadOnlyDictionary<string, int> sizes) => Value;
    public override IEnumerable<string> Names() => [];
    public override string ToString() => Value.ToString(CultureInfo.InvariantCulture);
}

public sealed record NamedDim(string Name) : Dim
{
    public override int Evaluate(IReadOnlyDictionary<string, int> sizes) =>
        sizes.TryGetValue(Name, out var v) ? v : throw new KeyNotFoundException($"dimension {Name} has no size");
    public override IEnumerable<string> Names() => [Name];
    public override string ToString() => Name;
}

public sealed record ProductDim(Dim Left, Dim Right) : Dim
{
    /// <exception cref="OverflowException">The size is beyond an int (nested Kronecker products at large sizes).</exception>
    public override int Evaluate(IReadOnlyDictionary<string, int> sizes) => checked(Left.Evaluate(sizes) * Right.Evaluate(sizes));
    public override IEnumerable<string> Names() => Left.Names().Concat(Right.Names());
    public override string ToString() => $"{Wrap(Left)}{Wrap(Right)}";
    private static string Wrap(Dim d) => d is ConstDim c ? c.Value + "·" : d.ToString();
}

/// <summary>The shape of a value: rows × columns. Scalars are 1×1, column vectors n×1.</summary>
public readonly record struct Shape(Dim Rows, Dim Cols)
{
    public static readonly Shape Scalar = new(Dim.One, Dim.One);

    public static Shape Matrix(Dim rows, Dim cols) => new(rows, cols);

    public static Shape Vector(Dim rows) => new(rows, Dim.One);

    public bool IsScalar => Rows.IsOne && Cols.IsOne;

    public bool IsColumnVector => Cols.IsOne && !Rows.IsOne;

    public bool IsSquare => Rows == Cols;

    public Shape Transposed => new(Cols, Rows);

    /// <summary>n×m, n (column vector), 1×m (row vector) or scalar — the way the user would write the shape.</summary>
    public override string ToString() => IsScalar ? "scalar" : $"{Rows}×{Cols}";

    /// <summary>The declaration spelling (`n x m`, `n`, `scalar`).</summary>
    public string ToDeclaration() => IsScalar ? "scalar" : IsColumnVector ? Rows.ToString()! : $"{Rows} x {Cols}";
}
