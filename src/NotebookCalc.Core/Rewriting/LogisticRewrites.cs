using NotebookCalc.Semantics;
using NotebookCalc.Expressions;

namespace NotebookCalc.Rewriting;

/// <summary>
/// The logistic function in the simplifier: exp(U)^∘k ⊘ (1 + exp(U))^∘k = σ(U)^∘k (rule <c>logistic_sigmoid</c>), so that
/// the gradient of the logistic loss sum(log(1 + exp(A w))) − yᵀA w reads Aᵀ(σ(A w) − y), and its Hessian — the derivative
/// of σ being σ ⊙ (1 − σ) — reads Aᵀ((A H) ⊙ σ(A w) ⊙ (1 − σ(A w))), vec matrix Aᵀ diag(σ(A w) ⊙ (1 − σ(A w))) A.
/// </summary>
public static class LogisticFacts
{
    /// <summary>exp(U) (k = 1) or exp(U)^∘k.</summary>
    public static bool TryExp(Expr e, out Expr arg, out double power)
    {
        switch (e)
        {
            case Elementwise { Fn: ElementwiseFn.Exp } x: (arg, power) = (x.A, 1); return true;
            case HadamardPower { A: Elementwise { Fn: ElementwiseFn.Exp } x } p: (arg, power) = (x.A, p.Exponent); return true;
            default: (arg, power) = (null!, 0); return false;
        }
    }

    /// <summary>A constant c broadcast over entries: the number, the scalar broadcast, or ones.</summary>
    private static double? Constant(Expr e) => e switch
    {
        Number n => n.Value,
        Broadcast { Value: Number n } => n.Value,
        Ones => 1,
        _ => null,
    };

    /// <summary>c + exp(U) (either order; k = 1) or (c + exp(U))^∘k, c a constant.</summary>
    public static bool TryConstantPlusExp(Expr e, out double constant, out Expr arg, out double power)
    {
        (constant, arg, power) = (double.NaN, null!, 0);
        var k = 1.0;
        if (e is HadamardPower hp) (e, k) = (hp.A, hp.Exponent);
        if (e is not Add a) return false;
        foreach (var (c, x) in new[] { (a.L, a.R), (a.R, a.L) })
            if (Constant(c) is { } value && x is Elementwise { Fn: ElementwiseFn.Exp } ex)
            {
                (constant, arg, power) = (value, ex.A, k);
                return true;
            }
        return false;
    }

    /// <summary>The pattern of <c>logistic_sigmoid</c>: exp(·)^∘p ⊘ (c + exp(·))^∘q, whatever the arguments, c and powers.</summary>
    public static bool IsExpQuotient(Expr e) => e is HadamardDiv d && TryExp(d.L, out _, out _) && TryConstantPlusExp(d.R, out _, out _, out _);

    /// <summary>The side condition: the same argument U above and below, c = 1, and equal powers.</summary>
    public static bool IsSigmoidQuotient(Expr e) =>
        e is HadamardDiv d && TryExp(d.L, out var u, out var p) && TryConstantPlusExp(d.R, out var c, out var v, out var q)
        && c == 1 && p == q && u == v;

    /// <summary>σ(U)^∘k for the matched quotient.</summary>
    public static Expr SigmoidOf(Expr e)
    {
        var d = (HadamardDiv)e;
        TryExp(d.L, out var u, out var k);
        var sigma = new Elementwise(ElementwiseFn.Sigmoid, u);
        return k == 1 ? sigma : new HadamardPower(sigma, k);
    }

    /// <summary>
    /// In a flattened Hadamard product (base, power), exp(U)^∘p beside (1 + exp(U))^∘−q becomes σ(U)^∘min(p, q) through
    /// the rewrite (which checks the condition); what is left of either power stays. Returns whether anything changed.
    /// </summary>
    internal static bool Fold(List<(Expr Base, double Power)> factors, Func<Expr, Expr> normalize)
    {
        var changed = false;
        var emptied = new HashSet<int>();
        for (var i = 0; i < factors.Count; i++)
        {
            if (factors[i].Power <= 0 || factors[i].Base is not Elementwise { Fn: ElementwiseFn.Exp } ex) continue;
            for (var j = 0; j < factors.Count && factors[i].Power > 0; j++)
            {
                if (factors[j].Power >= 0 || !TryConstantPlusExp(factors[j].Base, out _, out _, out _)) continue;
                var k = Math.Min(factors[i].Power, -factors[j].Power);
                var probe = new HadamardDiv(k == 1 ? ex : new HadamardPower(ex, k), k == 1 ? factors[j].Base : new HadamardPower(factors[j].Base, k));
                if (Rewrites.LogisticSigmoid.TryApply(probe) is not { } rewritten) continue;
                var sigma = normalize(rewritten is HadamardPower hp ? hp.A : rewritten);
                factors[i] = (factors[i].Base, Rational.Snap(factors[i].Power - k));
                factors[j] = (factors[j].Base, Rational.Snap(factors[j].Power + k));
                var at = factors.FindIndex(f => f.Base == sigma);
                if (at >= 0) factors[at] = (sigma, Rational.Snap(factors[at].Power + k));
                else factors.Add((sigma, k));
                if (factors[i].Power == 0) emptied.Add(i);
                if (factors[j].Power == 0) emptied.Add(j);
                changed = true;
            }
        }
        // Only the factors used up here go (a factor that cancelled before is the simplifier's to note and drop).
        foreach (var index in emptied.OrderDescending()) factors.RemoveAt(index);
        return changed;
    }
}
