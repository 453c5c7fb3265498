using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;
using NotebookCalc.Differentiation.Differentials;
using NotebookCalc.Differentiation.Gateaux;
using NotebookCalc.Differentiation.Index;

namespace NotebookCalc.Differentiation;

/// <summary>Derivatives of the entrywise and softmax functions, shared by the three methods.</summary>
public static class Derivatives
{
    /// <summary>f'(A) for an entrywise function f(A), as an expression (applied entrywise: f(A + εB) ≈ f(A) + ε f'(A) ⊙ B).</summary>
    public static Expr Entrywise(Elementwise f)
    {
        var u = f.A;
        return f.Fn switch
        {
            ElementwiseFn.Exp => f,
            ElementwiseFn.Log => Ops.HadDiv(new Number(1), u),
            ElementwiseFn.Sqrt => Ops.HadDiv(new Number(1), Ops.Scale(new Number(2), f)),
            ElementwiseFn.Tanh => Ops.Sub(new Number(1), new HadamardPower(f, 2)),
            ElementwiseFn.Sigmoid => Ops.Had(f, Ops.Sub(new Number(1), f)),
            ElementwiseFn.Abs => new Elementwise(ElementwiseFn.Sign, u),
            ElementwiseFn.Sign => Ops.Zero(f.Shape),
            ElementwiseFn.Sin => new Elementwise(ElementwiseFn.Cos, u),
            ElementwiseFn.Cos => Ops.Neg(new Elementwise(ElementwiseFn.Sin, u)),
            _ => throw new UnsupportedConstructException(f.Fn.ToString()),
        };
    }

    /// <summary>The change of S = softmax(Z) along dZ: S ⊙ (dZ − 𝟙𝟙ᵀ(S ⊙ dZ)) for columns, S ⊙ (dZ − (S ⊙ dZ)𝟙𝟙ᵀ) for rows.</summary>
    public static Expr Softmax(Softmax s, Expr dz)
    {
        var sdz = Ops.Had(s, dz);
        var centred = s.Rows
            ? Ops.Mul(sdz, Ops.Ones(s.Shape.Cols, s.Shape.Cols))
            : Ops.Mul(Ops.Ones(s.Shape.Rows, s.Shape.Rows), sdz);
        return Ops.Had(s, Ops.Sub(dz, centred));
    }
}
