using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Rewriting;

/// <summary>
/// The side condition of a rule, as code: a predicate on the matched expression, with its statement for the reader.
/// A rewrite fires only where <see cref="Holds"/> is true; the tests generate, from the catalogue, instances where it
/// holds (the rewrite must keep the value) and where it fails (the rewrite must not fire, and would have been wrong).
/// </summary>
public sealed record Condition(string Text, Func<Expr, bool> Holds, bool OnDomain = false)
{
    /// <summary>An identity that holds for every value of its parts.</summary>
    public static readonly Condition None = new("none (holds for all values)", _ => true);

    /// <summary>An identity that holds wherever the expression it rewrites is defined (e.g. A⁻¹ exists).</summary>
    public static Condition Domain(string text) => new($"{text} (wherever the expression is defined)", _ => true, OnDomain: true);
}

/// <summary>An instance for a rule's generated tests: an expression, its declarations, and whether the rule must fire.</summary>
public sealed record RewriteExample(string Expr, string Where, bool Fires);

/// <summary>
/// A rewrite performed by the simplifier or by a constructor: the rule it applies, the pattern it matches, its side
/// condition, and the replacement. <see cref="TryApply"/> is the only way the code applies it, so the condition is checked
/// every time the rule fires.
/// </summary>
public sealed record Rewrite(Rule Rule, Func<Expr, bool> Matches, Func<Expr, Expr> Replace, IReadOnlyList<RewriteExample> Examples)
{
    public Condition Condition => Rule.Condition;

    public Expr? TryApply(Expr e)
    {
        if (!Matches(e) || !Condition.Holds(e)) return null;
        RuleLog.Note(Rule);
        return Replace(e);
    }
}

/// <summary>
/// Where the rules fired by constructors and the simplifier are written down: each derivation step (and each
/// simplification) opens a scope, and the step lists the rules noted inside it.
/// </summary>
public static class RuleLog
{
    [ThreadStatic] private static Stack<ISet<string>>? _scopes;

    public static IDisposable Into(ISet<string> used)
    {
        _scopes ??= new Stack<ISet<string>>();
        _scopes.Push(used);
        return new Pop();
    }

    public static void Note(Rule rule)
    {
        if (_scopes is { Count: > 0 } s) s.Peek().Add(rule.Name);
    }

    private sealed class Pop : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _scopes?.Pop();
        }
    }
}

/// <summary>Facts that the side conditions test: provable from the declarations and the form of an expression.</summary>
public static class Facts
{
    public static bool IsInteger(double v) => double.IsFinite(v) && v == Math.Floor(v);

    public static bool IsEvenInteger(double v) => IsInteger(v) && Math.IEEERemainder(v, 2) == 0;

    /// <summary>Every entry is provably ≥ 0 for every value of the symbols (as declared).</summary>
    public static bool NonNegative(Expr e) => e switch
    {
        Number n => n.Value >= 0,
        Symbol s => s.Props.HasFlag(SymbolProps.Positive) || s.Props.HasFlag(SymbolProps.Indicator),
        Ones or Identity or ZeroMatrix => true,
        Elementwise { Fn: ElementwiseFn.Exp or ElementwiseFn.Abs or ElementwiseFn.Sigmoid or ElementwiseFn.Sqrt } => true,
        Elementwise { Fn: ElementwiseFn.Tanh or ElementwiseFn.Sign } f => NonNegative(f.A),
        Norm or Softmax => true,
        Power p when p.IsScalar => IsEvenInteger(p.Exponent) || NonNegative(p.A),
        Power p => NonNegative(p.A),
        HadamardPower hp => IsEvenInteger(hp.Exponent) || NonNegative(hp.A),
        Scale s => NonNegative(s.Factor) && NonNegative(s.A),
        Hadamard h => h.L == h.R || (NonNegative(h.L) && NonNegative(h.R)),
        HadamardDiv h => NonNegative(h.L) && NonNegative(h.R),
        Divide d => NonNegative(d.Numerator) && NonNegative(d.Denominator),
        Add a => NonNegative(a.L) && NonNegative(a.R),
        MatMul m => NonNegative(m.L) && NonNegative(m.R),
        Frobenius f => f.L == f.R || (NonNegative(f.L) && NonNegative(f.R)),
        Broadcast b => NonNegative(b.Value),
        Transpose t => NonNegative(t.A),
        SumAll s => NonNegative(s.A),
        Trace t => NonNegative(t.A) || IsGram(t.A),
        DiagMatrix d => NonNegative(d.A),
        DiagVector d => NonNegative(d.A),
        Vec v => NonNegative(v.A),
        Det { A: Symbol s } => s.Props.HasFlag(SymbolProps.Spd),
        _ => false,
    };

    /// <summary>A Aᵀ or Aᵀ A: symmetric positive semidefinite, with a non-negative trace.</summary>
    public static bool IsGram(Expr e) => e is MatMul { L: var l, R: Transpose { A: var r } } && l == r
                                         || e is MatMul { L: Transpose { A: var l2 }, R: var r2 } && l2 == r2;

    /// <summary>
    /// M is provably symmetric: M is square and its structural transpose (transposes pushed to the leaves by
    /// (AB)ᵀ = BᵀAᵀ, (A + B)ᵀ = Aᵀ + Bᵀ, (A⁻¹)ᵀ = (Aᵀ)⁻¹, Sᵀ = S for declared S, …) is M again, products read
    /// as flat chains. So A Aᵀ, Aᵀ S A with S symmetric, A + Aᵀ and inv(A Aᵀ + s I) are symmetric; A is not.
    /// </summary>
    public static bool Symmetric(Expr m) =>
        m.Shape.IsSquare && (m.IsScalar || DeclaredSymmetric(m) || Flat(Transposed(m)) == Flat(m));

    /// <summary>Mᵀ with the transpose pushed to the leaves; a symmetric leaf or a transposed leaf loses its transpose.</summary>
    public static Expr Transposed(Expr m) => m switch
    {
        _ when m.IsScalar => m,
        Transpose t => t.A,
        Symbol s when DeclaredSymmetric(s) => s,
        Identity or DiagMatrix => m,
        Ones o => new Ones(o.Shape.Transposed),
        ZeroMatrix z => new ZeroMatrix(z.Shape.Transposed),
        MatMul p => new MatMul(Transposed(p.R), Transposed(p.L)),
        Add a => new Add(Transposed(a.L), Transposed(a.R)),
        Neg n => new Neg(Transposed(n.A)),
        Scale s => new Scale(s.Factor, Transposed(s.A)),
        Divide d => new Divide(Transposed(d.Numerator), d.Denominator),
        Inverse i => new Inverse(Transposed(i.A)),
        Power p => new Power(Transposed(p.A), p.Exponent),
        Hadamard h => new Hadamard(Transposed(h.L), Transposed(h.R)),
        HadamardDiv h => new HadamardDiv(Transposed(h.L), Transposed(h.R)),
        HadamardPower h => new HadamardPower(Transposed(h.A), h.Exponent),
        Elementwise f => new Elementwise(f.Fn, Transposed(f.A)),
        Broadcast b => new Broadcast(b.Value, b.Shape.Transposed),
        Kron k => new Kron(Transposed(k.L), Transposed(k.R)),
        _ => new Transpose(m),
    };

    /// <summary>
    /// Matrix products re-associated to the right, so (AB)C and A(BC) compare equal; the terms of sums and the factors
    /// of Hadamard products in one order (the structural order, so equal multisets give equal trees).
    /// </summary>
    private static Expr Flat(Expr e)
    {
        if (e is Add or Hadamard)
        {
            var parts = new List<Expr>();
            void Gather(Expr x)
            {
                if (x.GetType() == e.GetType()) { Gather(x.Children[0]); Gather(x.Children[1]); }
                else parts.Add(Flat(x));
            }
            Gather(e);
            parts = parts.Order(ExprOrder.Instance).ToList();
            return parts.Skip(1).Aggregate(parts[0], (acc, p) => e is Add ? new Add(acc, p) : new Hadamard(acc, p));
        }
        if (e is MatMul)
        {
            var factors = new List<Expr>();
            void Collect(Expr x)
            {
                if (x is MatMul mm) { Collect(mm.L); Collect(mm.R); }
                else factors.Add(Flat(x));
            }
            Collect(e);
            Expr acc = factors[^1];
            for (var i = factors.Count - 2; i >= 0; i--) acc = new MatMul(factors[i], acc);
            return acc;
        }
        return e.Children.Count == 0 ? e : e.With(e.Children.Select(Flat).ToList());
    }

    /// <summary>A symmetric matrix by declaration (symmetric, spd, diagonal) — the condition of Sᵀ = S on a symbol.</summary>
    public static bool DeclaredSymmetric(Expr e) => e is Symbol { Props: var p } && (p & (SymbolProps.Symmetric | SymbolProps.Spd | SymbolProps.Diagonal)) != 0;
}

/// <summary>
/// The conditional rewrites, each applying one catalogue rule through <see cref="Rewrite.TryApply"/>. Their examples
/// drive the generated soundness tests (the rewrite keeps the value where it fires; where its condition fails it does
/// not fire, and applying it anyway would change the value).
/// </summary>
public static class Rewrites
{
    public static readonly Rewrite Symmetric = new(Rules.Symmetric,
        e => e is Transpose,
        e => ((Transpose)e).A,
        [
            new("S'", "S: n x n symmetric", true),
            new("(A A' + S)'", "A: n x m; S: n x n symmetric", true),
            new("inv(A' S A + s I)'", "A: n x m; S: n x n spd; s: scalar", true),
            new("(A + A')'", "A: n x n", true),
            new("A'", "A: n x n", false),
            new("(A + B)'", "A: n x n; B: n x n symmetric", false),
        ]);

    public static readonly Rewrite InverseInverse = new(Rules.InverseInverse,
        e => e is Inverse { A: Inverse },
        e => ((Inverse)((Inverse)e).A).A,
        [new("inv(inv(Y))", "Y: n x n", true)]);

    public static readonly Rewrite PowerOfPower = new(Rules.PowerOfPower,
        e => e is Power { A: Power },
        e => e is Power { A: Power inner } outer ? new Power(inner.A, Rational.Snap(inner.Exponent * outer.Exponent)) : e,
        [
            new("(s^3)^2", "s: scalar", true),
            new("(s^0.5)^4", "s: scalar positive", true),
            new("(p^2)^0.5", "p: scalar positive", true),
            new("(norm(A)^3)^(1/3)", "A: n x m", true),
            new("(X^2)^3", "X: n x n", true),
            new("(s^2)^0.5", "s: scalar", false),
            new("(s^4)^0.25", "s: scalar", false),
            new("((a' b)^2)^1.5", "a: n; b: n", false),
        ]);

    public static readonly Rewrite PowerOfEvenPower = new(Rules.PowerOfEvenPower,
        e => e is Power { A: Power { IsScalar: true } },
        e => e is Power { A: Power inner } outer
            ? AbsPower(inner.A, inner.Exponent * outer.Exponent)
            : e,
        [
            new("(s^2)^0.5", "s: scalar", true),
            new("(s^4)^0.75", "s: scalar", true),
            new("(s^2)^(-0.5)", "s: scalar", true),
            new("(s^3)^3", "s: scalar", false),
        ]);

    public static readonly Rewrite ProductPower = new(Rules.ProductPower,
        e => e is Power { IsScalar: true, A: Scale or Divide },
        e => e switch
        {
            Power { A: Scale s } p => new Scale(new Power(s.Factor, p.Exponent), new Power(s.A, p.Exponent)),
            Power { A: Divide d } p => new Divide(new Power(d.Numerator, p.Exponent), new Power(d.Denominator, p.Exponent)),
            _ => e,
        },
        [
            new("(s t)^3", "s: scalar; t: scalar", true),
            new("(s / t)^(-0.5)", "s: scalar positive; t: scalar positive", true),
            new("(s t)^0.5", "s: scalar positive; t: scalar positive", true),
            new("(s t)^0.5", "s: scalar; t: scalar", false),
            new("(s / t)^1.5", "s: scalar; t: scalar", false),
        ]);

    public static readonly Rewrite HadamardPowerOfPower = new(Rules.HadamardPowerOfPower,
        e => e is HadamardPower { A: HadamardPower or Hadamard or HadamardDiv },
        e => e switch
        {
            HadamardPower { A: HadamardPower inner } o => new HadamardPower(inner.A, inner.Exponent * o.Exponent),
            HadamardPower { A: Hadamard h } o => new Hadamard(new HadamardPower(h.L, o.Exponent), new HadamardPower(h.R, o.Exponent)),
            HadamardPower { A: HadamardDiv h } o => new HadamardDiv(new HadamardPower(h.L, o.Exponent), new HadamardPower(h.R, o.Exponent)),
            _ => e,
        },
        [
            new("(A .^ 2) .^ 3", "A: n x m", true),
            new("(P .^ 2) .^ 0.5", "P: n x m positive", true),
            new("(A .* B) .^ 2", "A: n x m; B: n x m", true),
            new("(A .^ 2) .^ 0.5", "A: n x m", false),
            new("(A .* A) .^ 0.5", "A: n x m", false),
        ]);

    public static readonly Rewrite IndicatorPower = new(Rules.IndicatorPower,
        e => e is HadamardPower { A: Symbol or Transpose { A: Symbol } },
        e => ((HadamardPower)e).A,
        [
            new("W .^ 2", "W: n x m indicator", true),
            new("W .^ 3", "W: n x m indicator", true),
            new("(W') .^ 2", "W: n x m indicator", true),
            new("W .^ 2", "W: n x m", false),
            new("W .^ 2", "W: n x m positive", false),
        ]);

    public static readonly Rewrite LogisticSigmoid = new(Rules.LogisticSigmoid,
        LogisticFacts.IsExpQuotient,
        LogisticFacts.SigmoidOf,
        [
            new("exp(A X) ./ (1 + exp(A X))", "A: p x n; X: n x m", true),
            new("exp(X) .^ 2 ./ (1 + exp(X)) .^ 2", "X: n x m", true),
            new("exp(-(y .* (A w))) ./ (1 + exp(-(y .* (A w))))", "A: n x d; w: d; y: n", true),
            new("exp(X) ./ (1 + exp(Y))", "X: n x m; Y: n x m", false),
            new("exp(X) ./ (2 + exp(X))", "X: n x m", false),
            new("exp(-X) ./ (1 + exp(X))", "X: n x m", false),
        ]);

    public static IReadOnlyList<Rewrite> All { get; } =
        [Symmetric, InverseInverse, PowerOfPower, PowerOfEvenPower, ProductPower, HadamardPowerOfPower, IndicatorPower, LogisticSigmoid];

    private static Expr AbsPower(Expr a, double k)
    {
        var abs = new Elementwise(ElementwiseFn.Abs, a);
        return k == 1 ? abs : new Power(abs, k);
    }
}
