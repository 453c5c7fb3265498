using System.Globalization;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;
using NotebookCalc.Semantics;

namespace NotebookCalc.Expressions;

/// <summary>Properties a declaration can give a matrix symbol.</summary>
[Flags]
public enum SymbolProps
{
    None = 0,
    Symmetric = 1,
    Spd = 2,
    Invertible = 4,
    Diagonal = 8,
    Orthogonal = 16,
    Indicator = 32,
    Positive = 64,
}

public enum ElementwiseFn { Exp, Log, Sqrt, Tanh, Sigmoid, Abs, Sign, Sin, Cos }

public enum NormKind { Frobenius, One }

/// <summary>
/// The immutable expression tree every phase works on. Each node knows its <see cref="Shape"/>;
/// scalars are 1×1. Structural equality (records) is tree equality.
/// </summary>
[System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(ExprOrder.NodeMembers)] // ExprOrder reads each node's values
public abstract record Expr
{
    public abstract Shape Shape { get; }

    public bool IsScalar => Shape.IsScalar;

    public abstract IReadOnlyList<Expr> Children { get; }

    /// <summary>Rebuilds this node with new children (same arity).</summary>
    public abstract Expr With(IReadOnlyList<Expr> children);

    public IEnumerable<Expr> DescendantsAndSelf()
    {
        var stack = new Stack<Expr>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            yield return e;
            for (var i = e.Children.Count - 1; i >= 0; i--) stack.Push(e.Children[i]);
        }
    }

    public int Size => DescendantsAndSelf().Count();

    public sealed override string ToString() => Rendering.TextPrinter.Print(this);
}

/// <summary>A leaf: no children.</summary>
public abstract record LeafExpr : Expr
{
    public override IReadOnlyList<Expr> Children => [];
    public override Expr With(IReadOnlyList<Expr> children) => this;
}

/// <remarks>
/// Every concrete node re-declares its operands as its own positional properties (Neg(Expr A) : UnaryExpr(A)), and the
/// record equality of the node compares those. Were the base to compare <see cref="Arg"/> as well, every level would
/// compare its subtree twice — 2^depth work, which made a deep derivation take seconds. So the base compares only the
/// node type, and a test checks that every node type declares its operands.
/// </remarks>
public abstract record UnaryExpr(Expr Arg) : Expr
{
    public virtual bool Equals(UnaryExpr? other) => base.Equals(other);

    public override int GetHashCode() => base.GetHashCode();

    public override IReadOnlyList<Expr> Children => [Arg];
    public override Expr With(IReadOnlyList<Expr> children) => WithArg(children[0]);
    public abstract Expr WithArg(Expr arg);
}

/// <remarks>As for <see cref="UnaryExpr"/>: the operands are compared by the concrete node's own positional properties.</remarks>
public abstract record BinaryExpr(Expr Left, Expr Right) : Expr
{
    public virtual bool Equals(BinaryExpr? other) => base.Equals(other);

    public override int GetHashCode() => base.GetHashCode();

    public override IReadOnlyList<Expr> Children => [Left, Right];
    public override Expr With(IReadOnlyList<Expr> children) => WithArgs(children[0], children[1]);
    public abstract Expr WithArgs(Expr left, Expr right);
}

public sealed record Symbol(string Name, Shape SymbolShape, SymbolProps Props = SymbolProps.None) : LeafExpr
{
    public override Shape Shape { get; } = SymbolShape;
}

public sealed record Number(double Value) : LeafExpr
{
    public override Shape Shape { get; } = Shape.Scalar;
    public string Text => Value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>The identity matrix of size <see cref="Dimension"/>.</summary>
public sealed record Identity(Dim Dimension) : LeafExpr
{
    public override Shape Shape { get; } = new(Dimension, Dimension);
}

public sealed record ZeroMatrix(Shape ZeroShape) : LeafExpr
{
    public override Shape Shape { get; } = ZeroShape;
}

/// <summary>The all-ones matrix 𝟙 (ones(r, c)).</summary>
public sealed record Ones(Shape OnesShape) : LeafExpr
{
    public override Shape Shape { get; } = OnesShape;
}

/// <summary>A sum. Subtraction is Add(a, Neg(b)).</summary>
public sealed record Add(Expr L, Expr R) : BinaryExpr(L, R)
{
    public override Shape Shape { get; } = L.Shape.IsScalar ? R.Shape : L.Shape;
    public override Expr WithArgs(Expr left, Expr right) => new Add(left, right);
}

public sealed record Neg(Expr A) : UnaryExpr(A)
{
    public override Shape Shape { get; } = A.Shape;
    public override Expr WithArg(Expr arg) => new Neg(arg);
}

/// <summary>Matrix product of two non-scalar operands with matching inner dimension.</summary>
public sealed record MatMul(Expr L, Expr R) : BinaryExpr(L, R)
{
    public override Shape Shape { get; } = new(L.Shape.Rows, R.Shape.Cols);
    public override Expr WithArgs(Expr left, Expr right) => new MatMul(left, right);
}

/// <summary>A scalar <see cref="Factor"/> times any expression (including another scalar).</summary>
public sealed record Scale(Expr Factor, Expr A) : BinaryExpr(Factor, A)
{
    public override Shape Shape { get; } = A.Shape;
    public override Expr WithArgs(Expr left, Expr right) => new Scale(left, right);
}

/// <summary>Division by a scalar-valued expression.</summary>
public sealed record Divide(Expr Numerator, Expr Denominator) : BinaryExpr(Numerator, Denominator)
{
    public override Shape Shape { get; } = Numerator.Shape;
    public override Expr WithArgs(Expr left, Expr right) => new Divide(left, right);
}

/// <summary>A scalar repeated over every entry of a matrix of the given shape (NumPy/MATLAB broadcasting).</summary>
public sealed record Broadcast(Expr Value, Shape Target) : UnaryExpr(Value)
{
    public override Shape Shape { get; } = Target;
    public override Expr WithArg(Expr arg) => new Broadcast(arg, Target);
}

public sealed record Transpose(Expr A) : UnaryExpr(A)
{
    public override Shape Shape { get; } = A.Shape.Transposed;
    public override Expr WithArg(Expr arg) => new Transpose(arg);
}

public sealed record Inverse(Expr A) : UnaryExpr(A)
{
    public override Shape Shape { get; } = A.Shape;
    public override Expr WithArg(Expr arg) => new Inverse(arg);
}

/// <summary>Matrix power with a positive integer exponent, or a real power of a scalar.</summary>
public sealed record Power(Expr A, double Exponent) : UnaryExpr(A)
{
    public override Shape Shape { get; } = A.Shape;
    public override Expr WithArg(Expr arg) => new Power(arg, Exponent);
}

public sealed record Hadamard(Expr L, Expr R) : BinaryExpr(L, R)
{
    public override Shape Shape { get; } = L.Shape;
    public override Expr WithArgs(Expr left, Expr right) => new Hadamard(left, right);
}

public sealed record HadamardDiv(Expr L, Expr R) : BinaryExpr(L, R)
{
    public override Shape Shape { get; } = L.Shape;
    public override Expr WithArgs(Expr left, Expr right) => new HadamardDiv(left, right);
}

public sealed record HadamardPower(Expr A, double Exponent) : UnaryExpr(A)
{
    public override Shape Shape { get; } = A.Shape;
    public override Expr WithArg(Expr arg) => new HadamardPower(arg, Exponent);
}

/// <summary>Frobenius inner product A : B = tr(AᵀB).</summary>
public sealed record Frobenius(Expr L, Expr R) : BinaryExpr(L, R)
{
    public override Shape Shape { get; } = Shape.Scalar;
    public override Expr WithArgs(Expr left, Expr right) => new Frobenius(left, right);
}

public sealed record Kron(Expr L, Expr R) : BinaryExpr(L, R)
{
    public override Shape Shape { get; } = new(Dim.Product(L.Shape.Rows, R.Shape.Rows), Dim.Product(L.Shape.Cols, R.Shape.Cols));
    public override Expr WithArgs(Expr left, Expr right) => new Kron(left, right);
}

public sealed record Trace(Expr A) : UnaryExpr(A)
{
    public override Shape Shape { get; } = Shape.Scalar;
    public override Expr WithArg(Expr arg) => new Trace(arg);
}

public sealed record Det(Expr A) : UnaryExpr(A)
{
    public override Shape Shape { get; } = Shape.Scalar;
    public override Expr WithArg(Expr arg) => new Det(arg);
}

public sealed record LogDet(Expr A) : UnaryExpr(A)
{
    public override Shape Shape { get; } = Shape.Scalar;
    public override Expr WithArg(Expr arg) => new LogDet(arg);
}

public sealed record Elementwise(ElementwiseFn Fn, Expr A) : UnaryExpr(A)
{
    public override Shape Shape { get; } = A.Shape;
    public override Expr WithArg(Expr arg) => new Elementwise(Fn, arg);
}

/// <summary>Softmax of each column (<see cref="Rows"/> false) or of each row.</summary>
public sealed record Softmax(Expr A, bool Rows) : UnaryExpr(A)
{
    public override Shape Shape { get; } = A.Shape;
    public override Expr WithArg(Expr arg) => new Softmax(arg, Rows);
}

public sealed record SumAll(Expr A) : UnaryExpr(A)
{
    public override Shape Shape { get; } = Shape.Scalar;
    public override Expr WithArg(Expr arg) => new SumAll(arg);
}

/// <summary>diag(x): the square matrix with the vector x on its diagonal.</summary>
public sealed record DiagMatrix(Expr A) : UnaryExpr(A)
{
    public override Shape Shape { get; } = new(A.Shape.Rows, A.Shape.Rows);
    public override Expr WithArg(Expr arg) => new DiagMatrix(arg);
}

/// <summary>diag(A): the diagonal of a square matrix as a column vector.</summary>
public sealed record DiagVector(Expr A) : UnaryExpr(A)
{
    public override Shape Shape { get; } = Shape.Vector(A.Shape.Rows);
    public override Expr WithArg(Expr arg) => new DiagVector(arg);
}

public sealed record Vec(Expr A) : UnaryExpr(A)
{
    public override Shape Shape { get; } = Shape.Vector(Dim.Product(A.Shape.Rows, A.Shape.Cols));
    public override Expr WithArg(Expr arg) => new Vec(arg);
}

/// <summary>‖A‖_F (the 2-norm for vectors) or ‖A‖₁ = Σ|A_ij|.</summary>
public sealed record Norm(Expr A, NormKind Kind) : UnaryExpr(A)
{
    public override Shape Shape { get; } = Shape.Scalar;
    public override Expr WithArg(Expr arg) => new Norm(arg, Kind);
}

/// <summary>F(w): an opaque differentiable function declared as `F: n x l function of w`.</summary>
public sealed record OpaqueCall(string Function, Shape ResultShape, Expr Argument) : UnaryExpr(Argument)
{
    public override Shape Shape { get; } = ResultShape;
    public override Expr WithArg(Expr arg) => new OpaqueCall(Function, ResultShape, arg);
}
