using NotebookCalc.Semantics;

namespace NotebookCalc.Calculus;

/// <summary>
/// Smart constructors used by the derivation: they keep the tree well-shaped (a 1×1 factor scales instead of
/// multiplying), and fold the trivial cases (0, 1, I, double negation) so that intermediate steps stay readable.
/// </summary>
public static class Ops
{
    public static Expr Zero(Shape s) => s.IsScalar ? new Number(0) : new ZeroMatrix(s);

    public static bool IsZero(Expr e) => e is ZeroMatrix || e is Number { Value: 0 } || (e is Broadcast b && IsZero(b.Value));

    public static bool IsOne(Expr e) => e is Number { Value: 1 };

    public static Expr Num(double v) => new Number(v);

    public static Expr Add(Expr a, Expr b)
    {
        if (IsZero(a)) return a.Shape == b.Shape || !b.IsScalar ? b : new Broadcast(b, a.Shape);
        if (IsZero(b)) return b.Shape == a.Shape || !a.IsScalar ? a : new Broadcast(a, b.Shape);
        if (a is Number x && b is Number y) return Num(x.Value + y.Value);
        if (a.IsScalar && !b.IsScalar) return new Add(new Broadcast(a, b.Shape), b);
        if (b.IsScalar && !a.IsScalar) return new Add(a, new Broadcast(b, a.Shape));
        return new Add(a, b);
    }

    public static Expr Sum(IEnumerable<Expr> terms, Shape shape)
    {
        Expr? acc = null;
        foreach (var t in terms) acc = acc is null ? t : Add(acc, t);
        return acc ?? Zero(shape);
    }

    public static Expr Sub(Expr a, Expr b) => Add(a, Neg(b));

    public static Expr Neg(Expr a) => a switch
    {
        Number n => Num(-n.Value),
        Neg n => n.A,
        ZeroMatrix => a,
        Broadcast b => new Broadcast(Neg(b.Value), b.Shape), // as the parser builds A - s
        Scale { Factor: Number n } s => Scale(Num(-n.Value), s.A),
        _ => new Neg(a),
    };

    /// <summary>a·b: a matrix product, or a scaling when either side is 1×1.</summary>
    public static Expr Mul(Expr a, Expr b)
    {
        if (IsZero(a) || IsZero(b)) return Zero(new Shape(a.IsScalar ? b.Shape.Rows : a.Shape.Rows, b.IsScalar ? a.Shape.Cols : b.Shape.Cols));
        if (a.IsScalar) return Scale(a, b);
        if (b.IsScalar) return Scale(b, a);
        if (a is Neg na) return Neg(Mul(na.A, b));
        if (b is Neg nb) return Neg(Mul(a, nb.A));
        if (a is Identity) return b;
        if (b is Identity) return a;
        return new MatMul(a, b);
    }

    public static Expr Mul(params Expr[] factors) => factors.Aggregate(Mul);

    public static Expr Scale(Expr factor, Expr a)
    {
        if (IsZero(factor)) return Zero(a.Shape);
        if (IsZero(a)) return a;
        if (IsOne(factor)) return a;
        if (factor is Number { Value: -1 }) return Neg(a);
        if (IsOne(a) && factor.IsScalar) return factor;
        if (factor is Neg n) return Neg(Scale(n.A, a));
        if (factor is Number f && a is Number g) return Num(f.Value * g.Value);
        if (factor is Number f2 && a is Scale { Factor: Number g2 } inner) return Scale(Num(f2.Value * g2.Value), inner.A);
        return new Scale(factor, a);
    }

    public static Expr Div(Expr a, Expr den)
    {
        if (IsOne(den)) return a;
        if (IsZero(a)) return a;
        return new Divide(a, den);
    }

    public static Expr T(Expr a) => a switch
    {
        Transpose t => t.A,
        Identity or Number or ZeroMatrix when a.Shape.IsSquare => a,
        _ when a.IsScalar => a,
        Symbol => Rewrites.Symmetric.TryApply(new Transpose(a)) ?? new Transpose(a),
        _ => new Transpose(a),
    };

    public static Expr Inv(Expr a) => a switch
    {
        Inverse => Rewrites.InverseInverse.TryApply(new Inverse(a))!,
        Identity => a,
        _ => new Inverse(a),
    };

    public static Expr Tr(Expr a) => IsZero(a) ? Num(0) : a.IsScalar ? a : new Trace(a);

    public static Expr Frob(Expr a, Expr b)
    {
        if (IsZero(a) || IsZero(b)) return Num(0);
        if (a.IsScalar && b.IsScalar) return Mul(a, b);
        return new Frobenius(a, b);
    }

    public static Expr Had(Expr a, Expr b)
    {
        if (IsZero(a) || IsZero(b)) return Zero(a.IsScalar ? b.Shape : a.Shape);
        if (a.IsScalar && b.IsScalar) return Mul(a, b);
        if (a.IsScalar) return Scale(a, b);
        if (b.IsScalar) return Scale(b, a);
        if (a is Broadcast ba) return Scale(ba.Value, b);
        if (b is Broadcast bb) return Scale(bb.Value, a);
        if (a is Ones) return b;
        if (b is Ones) return a;
        return new Hadamard(a, b);
    }

    public static Expr HadDiv(Expr a, Expr b)
    {
        if (IsZero(a)) return a;
        if (b.IsScalar) return Div(a, b);
        if (b is Broadcast bb) return Div(a, bb.Value);
        return new HadamardDiv(a.IsScalar ? new Broadcast(a, b.Shape) : a, b);
    }

    public static Expr Ones(Dim rows, Dim cols) => new Ones(new Shape(rows, cols));

    /// <summary>The top-level terms of a sum.</summary>
    public static IEnumerable<Expr> Terms(Expr e)
    {
        switch (e)
        {
            case Add a:
                foreach (var t in Terms(a.L)) yield return t;
                foreach (var t in Terms(a.R)) yield return t;
                break;
            case Neg n:
                foreach (var t in Terms(n.A)) yield return Ops.Neg(t);
                break;
            default:
                if (!Ops.IsZero(e)) yield return e;
                break;
        }
    }
}
