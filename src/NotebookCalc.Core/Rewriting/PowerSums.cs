using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Rewriting;

/// <summary>
/// The summation Σ_{i=0}^{k−1} Aⁱ C A^{k−1−i} (<see cref="PowerSum"/>) that the differential of a matrix power is: built
/// as one term, moved across a Frobenius product as one term, and collapsed to k C A^{k−1} when C commutes with A
/// (tr(Xᵏ) → k (X^{k−1})ᵀ, ln det(Xᵏ) → k X⁻ᵀ), so that no derivation writes k products for a power Xᵏ.
/// </summary>
public static class PowerSums
{
    /// <summary>From this exponent on, d(Aᵏ) is written as one summation term; below it as the k products (dA A + A dA).</summary>
    public const int SummationFrom = 3;

    /// <summary>A summation that does not collapse is written out as its k products when k is at most this.</summary>
    public const int WriteOutUpTo = 4;

    /// <summary>The largest matrix power a derivation writes (its value is found by repeated squaring).</summary>
    public const int MaxExponent = 1_000_000_000;

    /// <summary>The exponent of a matrix power as an int; beyond <see cref="MaxExponent"/> the derivation is over its budget.</summary>
    public static int Exponent(Power p) => p.Exponent <= MaxExponent
        ? (int)p.Exponent
        : throw new BudgetExceededException($"the exponent {Rendering.TextPrinter.FormatNumber(p.Exponent)} exceeds the budget of {MaxExponent:N0} for a matrix power");

    /// <summary>Σ_{i=0}^{k−1} Aⁱ C A^{k−1−i}, with the trivial cases folded (C = 0, k = 1).</summary>
    public static Expr Make(Expr a, Expr c, int k) =>
        Ops.IsZero(c) ? Ops.Zero(c.Shape) : k == 1 ? c : new PowerSum(a, c, k);

    /// <summary>The k products Aⁱ C A^{k−1−i} (for small k).</summary>
    public static Expr WrittenOut(Expr a, Expr c, int k) =>
        Ops.Sum(Enumerable.Range(0, k).Select(i => Ops.Mul(Ops.Mul(Pow(a, i), c), Pow(a, k - 1 - i))), c.Shape);

    /// <summary>
    /// C : Σ Aⁱ D A^{k−1−i} = (Σ (Aᵀ)ⁱ C (Aᵀ)^{k−1−i}) : D. The sum is returned collapsed when C commutes with Aᵀ
    /// (rule power_sum_commuting), written out when k is small, and as one summation term otherwise.
    /// </summary>
    public static Expr Adjoint(Expr a, Expr c, int k, ISet<string> used)
    {
        var at = Ops.T(a);
        if (Collapse(at, c, k) is { } collapsed)
        {
            used.Add(Rules.PowerSumCommuting.Name);
            return collapsed;
        }
        if (k <= WriteOutUpTo) return WrittenOut(at, c, k);
        // Scalars come out of the summation (Σ Bⁱ (2C) B^{k−1−i} = 2 Σ Bⁱ C B^{k−1−i}), so every method writes the same sum.
        var (coef, core) = Split(c);
        return Ops.Scale(coef, Make(at, core, k));
    }

    /// <summary>Σ_{i=0}^{k−1} Bⁱ C B^{k−1−i} = k C B^{k−1} when C is recognisably a function of B (so CB = BC); else null.</summary>
    public static Expr? Collapse(Expr b, Expr c, int k)
    {
        if (!Commutes(c, b)) return null;
        var (coef, core) = Split(c);
        Expr product = Exponent(core, b) is { } p && Math.Abs(p + k - 1) <= int.MaxValue
            ? Pow(b, (int)(p + k - 1))
            : Ops.Mul(core, Pow(b, k - 1));
        return Ops.Scale(Ops.Mul(new Number(k), coef), product);
    }

    /// <summary>c = coef · core with the scalar factors and signs taken out.</summary>
    private static (Expr Coef, Expr Core) Split(Expr c)
    {
        switch (c)
        {
            case Scale { Factor: var f, A: var x } when f.IsScalar:
            {
                var (k, core) = Split(x);
                return (Ops.Mul(f, k), core);
            }
            case Neg n:
            {
                var (k, core) = Split(n.A);
                return (Ops.Neg(k), core);
            }
            case MatMul m:
            {
                var (kl, l) = Split(m.L);
                var (kr, r) = Split(m.R);
                return (Ops.Mul(kl, kr), Ops.Mul(l, r));
            }
            default: return (new Number(1), c);
        }
    }

    /// <summary>Bⁿ for any integer n: I, B, Bⁿ, (B⁻¹)… with a transpose kept outside (X^{n}ᵀ, X⁻ᵀ as printed elsewhere).</summary>
    public static Expr Pow(Expr b, int n)
    {
        if (b is Transpose t) return Ops.T(Pow(t.A, n));
        return n switch
        {
            0 => new Identity(b.Shape.Rows),
            1 => b,
            -1 => Ops.Inv(b),
            > 1 => new Power(b, n),
            _ => Ops.Inv(new Power(b, -(double)n)),
        };
    }

    /// <summary>The integer p with e = Bᵖ, read structurally (I, B, powers, inverses, products, transposes); null when e is not one.</summary>
    private static long? Exponent(Expr e, Expr b)
    {
        if (e == b) return 1;
        switch (e)
        {
            case Identity: return 0;
            case Power p when p.Exponent == Math.Floor(p.Exponent) && Math.Abs(p.Exponent) < 1e9:
                return Exponent(p.A, b) is { } q ? Checked(q * (long)p.Exponent) : null;
            case Inverse i: return Exponent(i.A, b) is { } qi ? -qi : null;
            case MatMul m: return Exponent(m.L, b) is { } l && Exponent(m.R, b) is { } r ? Checked(l + r) : null;
            case Transpose t: return Exponent(t.A, Ops.T(b));
            default: return null;
        }
    }

    private static long? Checked(long v) => Math.Abs(v) < 1L << 40 ? v : null;

    /// <summary>Whether c is recognisably a function of B alone (so CB = BC): built from B, I and scalars.</summary>
    public static bool Commutes(Expr c, Expr b)
    {
        if (Exponent(c, b) is not null) return true;
        return c switch
        {
            Scale s => s.Factor.IsScalar && Commutes(s.A, b),
            Divide d => Commutes(d.Numerator, b),
            Neg n => Commutes(n.A, b),
            Add a => Commutes(a.L, b) && Commutes(a.R, b),
            MatMul m => Commutes(m.L, b) && Commutes(m.R, b),
            Power p => p.Exponent == Math.Floor(p.Exponent) && Commutes(p.A, b),
            Inverse i => Commutes(i.A, b),
            Transpose t => Commutes(t.A, Ops.T(b)),
            PowerSum ps => Commutes(ps.Base, b) && Commutes(ps.Inner, b),
            _ => false,
        };
    }
}
