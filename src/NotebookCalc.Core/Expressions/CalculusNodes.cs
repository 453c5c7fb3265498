using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Expressions;

/// <summary>d(A): the differential of A, left unevaluated while a derivation is in progress. d(X) of a variable is dX.</summary>
public sealed record Differential(Expr Of) : UnaryExpr(Of)
{
    public override Shape Shape { get; } = Of.Shape;
    public override Expr WithArg(Expr arg) => new Differential(arg);
}

/// <summary>
/// Γ : dw — the fourth-order Jacobian tensor Γ_ijkl = ∂F_ij/∂w_kl of an opaque function applied to a direction.
/// The result has the shape of F.
/// </summary>
public sealed record JacobianApply(string Function, Expr Arg, Expr Direction, Shape ResultShape) : BinaryExpr(Arg, Direction)
{
    public override Shape Shape { get; } = ResultShape;
    public override Expr WithArgs(Expr left, Expr right) => new JacobianApply(Function, left, right, ResultShape);
}

/// <summary>C : Γ — a cotangent C (shape of F) contracted with the Jacobian tensor of F; the result has the shape of w.</summary>
public sealed record JacobianAdjoint(string Function, Expr Arg, Expr Cotangent) : BinaryExpr(Arg, Cotangent)
{
    public override Shape Shape { get; } = Arg.Shape;
    public override Expr WithArgs(Expr left, Expr right) => new JacobianAdjoint(Function, left, right);
}

/// <summary>The inverse of vec: the column vector v read column by column into a matrix of the given shape.</summary>
public sealed record Unvec(Expr V, Shape Target) : UnaryExpr(V)
{
    public override Shape Shape { get; } = Target;
    public override Expr WithArg(Expr arg) => new Unvec(arg, Target);
}

/// <summary>
/// The G with C : (dA ⊗ B) = G : dA, i.e. G_ij = Σ_kl C_{(i,k),(j,l)} B_kl — each block of C contracted with B
/// (<see cref="IsLeft"/> true); or with C : (A ⊗ dB) = G : dB, G_kl = Σ_ij A_ij C_{(i,k),(j,l)} (IsLeft false).
/// </summary>
public sealed record KronAdjoint(Expr Cotangent, Expr Other, bool IsLeft, Shape Target) : BinaryExpr(Cotangent, Other)
{
    public override Shape Shape { get; } = Target;
    public override Expr WithArgs(Expr left, Expr right) => new KronAdjoint(left, right, IsLeft, Target);
}

/// <summary>O(ε^k): the terms of order k and higher that a first-order expansion drops (display only).</summary>
public sealed record Order(int Power) : LeafExpr
{
    public override Shape Shape { get; } = Shape.Scalar;
}

/// <summary>
/// Σ_{i=0}^{K−1} Aⁱ C A^{K−1−i} as one term: the differential of a matrix power (d(Aᵏ) with C = dA), its first-order
/// Gâteaux coefficient (C = H), and its adjoint (A replaced by Aᵀ, C by the cotangent), so that a power of any size
/// stays one node instead of K expanded products.
/// </summary>
public sealed record PowerSum(Expr Base, Expr Inner, int K) : BinaryExpr(Base, Inner)
{
    public override Shape Shape { get; } = Inner.Shape;
    public override Expr WithArgs(Expr left, Expr right) => new PowerSum(left, right, K);
}

/// <summary>
/// The commutation matrix K_{m,n} (mn × mn): K vec(A) = vec(Aᵀ) for every m×n matrix A (column-major vec). It carries
/// the Kronecker (vec) form of a linear map with a transposed direction, A Hᵀ B ↦ (Bᵀ ⊗ A) K.
/// </summary>
public sealed record Commutation(Dim M, Dim N) : LeafExpr
{
    public override Shape Shape { get; } = new(Dim.Product(M, N), Dim.Product(M, N));
}
