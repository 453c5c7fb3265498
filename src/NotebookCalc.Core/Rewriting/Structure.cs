using MathNet.Numerics.LinearAlgebra;
using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Rewriting;

/// <summary>The structure a variable is declared with, which restricts the directions dX it can move in.</summary>
public enum VariableStructure { None, Symmetric, Diagonal }

/// <summary>
/// Gradients of functions of structured variables. A function defined on symmetric matrices sees only symmetric
/// directions dX, so df = G : dX determines only sym(G) = (G + Gᵀ)/2 — that is the gradient (within symmetric matrices,
/// under the Frobenius product); tr(A X) and tr(A Xᵀ) are the same function there, with the one gradient (A + Aᵀ)/2.
/// For a diagonal variable only the diagonal of G is determined. The Matrix Cookbook's 2G − G ⊙ I is another object:
/// the derivative with respect to the independent entries (vech X); used in df = G : dX it counts every off-diagonal
/// entry twice.
/// </summary>
public static class Structure
{
    public static VariableStructure Of(Symbol x) =>
        x.Shape.IsScalar ? VariableStructure.None
        : Rules.DiagonalGradient.Condition.Holds(x) ? VariableStructure.Diagonal
        : Rules.SymmetricGradient.Condition.Holds(x) ? VariableStructure.Symmetric
        : VariableStructure.None;

    public static Rule? RuleOf(VariableStructure s) => s switch
    {
        VariableStructure.Symmetric => Rules.SymmetricGradient,
        VariableStructure.Diagonal => Rules.DiagonalGradient,
        _ => null,
    };

    /// <summary>The part of G that df = G : dX determines: sym(G) or diag(diag(G)) (G itself for an unstructured variable).</summary>
    public static Expr Project(VariableStructure s, Expr g) => s switch
    {
        VariableStructure.Symmetric => new Divide(new Add(g, new Transpose(g)), new Number(2)),
        VariableStructure.Diagonal => new DiagMatrix(new DiagVector(g)),
        _ => g,
    };

    public static Matrix<double> Project(VariableStructure s, Matrix<double> g) => s switch
    {
        VariableStructure.Symmetric => (g + g.Transpose()) / 2,
        VariableStructure.Diagonal => Matrix<double>.Build.DenseOfDiagonalVector(g.Diagonal()),
        _ => g,
    };

    /// <summary>The Cookbook's vech form of a symmetric gradient S: 2S − S ⊙ I (off-diagonal entries doubled).</summary>
    public static Expr VechForm(Expr s) => new Add(new Scale(new Number(2), s), new Neg(new Hadamard(s, new Identity(s.Shape.Rows))));

    public static string? Convention(VariableStructure s, string name) => s switch
    {
        VariableStructure.Symmetric =>
            $"{name} is symmetric: every direction d{name} is symmetric, so df = G : d{name} determines only sym(G) = (G + Gᵀ)/2, the gradient within symmetric matrices under the Frobenius product. A claim is right when its symmetric part is. (The Matrix Cookbook's 2G − G∘I is the derivative with respect to the independent entries, vech({name}); it is not a Frobenius gradient.)",
        VariableStructure.Diagonal =>
            $"{name} is diagonal: every direction d{name} is diagonal, so df = G : d{name} determines only the diagonal of G; the gradient is diag(diag(G)). A claim is right when its diagonal is.",
        _ => null,
    };
}
