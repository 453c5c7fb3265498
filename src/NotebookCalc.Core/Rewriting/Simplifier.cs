using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Rewriting;

/// <summary>
/// Writes results the way a textbook would: transposes pushed onto symbols ((AB)ᵀ = BᵀAᵀ, (A⁻¹)ᵀ = (Aᵀ)⁻¹, Sᵀ = S for
/// declared or structurally symmetric S), products expanded into monomials (coefficient × scalar factors × a chain of
/// matrices), like terms combined, Hadamard powers merged (W ⊙ W = W for an indicator W), then common scalar and
/// left/right factors taken out. Every rewrite is value-preserving (tested by evaluation) and the procedure is a fixed
/// number of passes, so it always terminates.
/// </summary>
public static class Simplifier
{
    /// <summary>Distributing products over sums stops when a term would expand into more monomials than this.</summary>
    private const int MaxMonomials = 64;

    public static Expr Simplify(Expr e) => Simplify(e, out _);

    public static Expr Simplify(Expr e, out IReadOnlyList<string> rulesUsed)
    {
        var ctx = new Context();
        using var log = RuleLog.Into(ctx.Used);
        var result = ctx.Full(e);
        // A second pass catches what the first exposed (e.g. a transpose that became symmetric after expansion).
        var again = ctx.Full(result);
        rulesUsed = ctx.Used.OrderBy(r => r, StringComparer.Ordinal).ToList();
        return ScalarConstants(again);
    }

    /// <summary>A 1×1 ones or zeros is the number 1 or 0 — as it is printed and read back (ones(1) reads as 1).</summary>
    private static Expr ScalarConstants(Expr e) => e switch
    {
        Ones { Shape.IsScalar: true } => new Number(1),
        ZeroMatrix { Shape.IsScalar: true } => new Number(0),
        _ when e.Children.Count == 0 => e,
        _ when !e.DescendantsAndSelf().Any(x => x is Ones { Shape.IsScalar: true } or ZeroMatrix { Shape.IsScalar: true }) => e,
        _ => e.With(e.Children.Select(ScalarConstants).ToList()),
    };

    private sealed class Monomial(double coef, SortedDictionary<Expr, (Expr Atom, double Exp)> scalars, List<Expr> chain, Shape shape)
    {
        public double Coef = coef;
        public readonly SortedDictionary<Expr, (Expr Atom, double Exp)> Scalars = scalars;
        public readonly List<Expr> Chain = chain;
        public readonly Shape Shape = shape;

        public static Monomial Scalar(double c) => new(c, new(ExprOrder.SymbolsFirst), [], Expressions.Shape.Scalar);

        /// <summary>The scalar factors with their exponents, compared as trees.</summary>
        public ValueList<(Expr, double)> ScalarKey => Scalars.Select(s => (s.Key, s.Value.Exp)).ToList();

        /// <summary>The matrix factors in order, compared as trees.</summary>
        public ValueList<Expr> ChainKey => Chain.ToList();

        public Monomial Clone(double? coef = null) =>
            new(coef ?? Coef, new SortedDictionary<Expr, (Expr, double)>(Scalars, ExprOrder.SymbolsFirst), [.. Chain], Shape);
    }

    /// <summary>
    /// Structural equality of trees with each node's hash computed once (by reference): the simplifier's memo tables look
    /// up many subtrees of the same trees, and a record's own hash walks the whole subtree every time.
    /// </summary>
    private sealed class StructuralComparer : IEqualityComparer<Expr>
    {
        private readonly Dictionary<Expr, int> _hashes = new(ReferenceEqualityComparer.Instance);

        public bool Equals(Expr? x, Expr? y) => ReferenceEquals(x, y) || (x is not null && y is not null && Hash(x) == Hash(y) && x.Equals(y));

        public int GetHashCode(Expr e) => Hash(e);

        private int Hash(Expr e)
        {
            if (_hashes.TryGetValue(e, out var h)) return h;
            if (e.Children.Count == 0) h = e.GetHashCode();
            else
            {
                var hc = new HashCode();
                hc.Add(e.GetType());
                foreach (var c in e.Children) hc.Add(Hash(c));
                h = hc.ToHashCode();
            }
            _hashes[e] = h;
            return h;
        }
    }

    private sealed class Context
    {
        public readonly HashSet<string> Used = new(StringComparer.Ordinal);

        // Normalize and Full are pure (but for the rules they note, which a context collects once anyway), and they are
        // called again on their own results (the arguments of nested functions are simplified as a whole and inside
        // each enclosing function): without these tables nested log(1 + (log(1 + …)).^2) took time exponential in the depth.
        private readonly StructuralComparer _comparer = new();
        private readonly Dictionary<Expr, Expr> _normalized;
        private readonly Dictionary<Expr, Expr> _full;

        public Context()
        {
            _normalized = new Dictionary<Expr, Expr>(_comparer);
            _full = new Dictionary<Expr, Expr>(_comparer);
        }

        public Expr Full(Expr e)
        {
            if (_full.TryGetValue(e, out var known)) return known;
            Budget.Tick();
            var n = Normalize(e);
            var monos = Expand(n);
            var result = Rebuild(Combine(monos), n.Shape, factor: true);
            _full[e] = result;
            return result;
        }

        // ───────────── normalisation (bottom-up) ─────────────

        private Expr Normalize(Expr e)
        {
            if (e is LeafExpr) return NormalizeCore(e);
            if (_normalized.TryGetValue(e, out var known)) return known;
            var result = NormalizeCore(e);
            _normalized[e] = result;
            return result;
        }

        private Expr NormalizeCore(Expr e)
        {
            switch (e)
            {
                case Transpose t: return TransposeOf(Normalize(t.A));
                case Hadamard or HadamardPower or HadamardDiv when !e.IsScalar: return HadamardProduct(e);
                case Power { A: Power } p when (Rewrites.PowerOfPower.TryApply(p) ?? Rewrites.PowerOfEvenPower.TryApply(p)) is { } merged:
                    return Normalize(merged);
                case Inverse { A: Inverse } i: return Normalize(Rewrites.InverseInverse.TryApply(i)!);
                case LeafExpr: return e;
            }
            var children = e.Children.Select(Normalize).ToList();
            var rebuilt = e switch
            {
                Add => Ops.Add(children[0], children[1]),
                Neg => Ops.Neg(children[0]),
                MatMul => Ops.Mul(children[0], children[1]),
                Scale => Ops.Scale(children[0], children[1]),
                Divide => Ops.Div(children[0], children[1]),
                Frobenius => Ops.Frob(children[0], children[1]),
                Hadamard => Ops.Had(children[0], children[1]),
                HadamardDiv => Ops.HadDiv(children[0], children[1]),
                Trace => Ops.Tr(children[0]),
                Inverse => Ops.Inv(children[0]),
                _ => e.With(children),
            };
            // Inside function arguments, write each sum in its simplest form too.
            if (rebuilt is Inverse or Trace or Det or LogDet or Elementwise or Norm or Softmax or SumAll or Frobenius or Power or HadamardDiv or DiagMatrix or DiagVector or Vec or Kron or JacobianAdjoint or Broadcast)
                rebuilt = rebuilt.With(rebuilt.Children.Select(c => c is Add or Neg or Scale ? Full(c) : c).ToList());
            // C : Γ is linear in C: scalars come out, so every method writes the same 2 ((F − M) : Γ).
            if (rebuilt is JacobianAdjoint { Cotangent: Scale { Factor: var jf, A: var ja } } j0)
            {
                Used.Add(Rules.FrobeniusScalar.Name);
                return Ops.Scale(jf, new JacobianAdjoint(j0.Function, j0.Arg, ja));
            }
            if (rebuilt is JacobianAdjoint { Cotangent: Neg { A: var jn } } j1)
            {
                Used.Add(Rules.FrobeniusScalar.Name);
                return Ops.Neg(new JacobianAdjoint(j1.Function, j1.Arg, jn));
            }
            // The adjoint of X ↦ X ⊗ B (or A ⊗ X) applied to I: Σ_kl δ_ij δ_kl B_kl = tr(B) δ_ij.
            if (rebuilt is KronAdjoint { Cotangent: Identity, Other: var ko } ka && ko.Shape.IsSquare && ka.Target.IsSquare)
            {
                Used.Add(Rules.FrobeniusKron.Name);
                return Ops.Scale(Ops.Tr(ko), new Identity(ka.Target.Rows));
            }
            if (rebuilt is Unvec { V: Vec { A: var vm } } uv0 && vm.Shape == uv0.Target)
            {
                Used.Add(Rules.VecKron.Name); // vec⁻¹(vec M) = M
                return vm;
            }
            // vec⁻¹((P ⊗ Q) vec M) = Q M Pᵀ: the Kronecker form of a gradient read back as a matrix product.
            if (rebuilt is Unvec { V: MatMul { L: Kron { L: var kp, R: var kq }, R: Vec { A: var km } } } uv
                && km.Shape.Rows == kq.Shape.Cols && km.Shape.Cols == kp.Shape.Cols && uv.Target == new Shape(kq.Shape.Rows, kp.Shape.Rows))
            {
                Used.Add(Rules.VecKron.Name);
                return Normalize(Ops.Mul(Ops.Mul(kq, km), new Transpose(kp)));
            }
            if (rebuilt is Frobenius { L: var fl, R: var fr })
            {
                if (fl.IsScalar && fr.IsScalar) return Ops.Mul(fl, fr);
                if (fr is Identity) { Used.Add(Rules.TraceAsFrobenius.Name); return Normalize(new Trace(fl)); }
                if (fl is Identity) { Used.Add(Rules.TraceAsFrobenius.Name); return Normalize(new Trace(fr)); }
                if (fr is Ones) { Used.Add(Rules.SumAsFrobenius.Name); return Normalize(new SumAll(fl)); }
                if (fl is Ones) { Used.Add(Rules.SumAsFrobenius.Name); return Normalize(new SumAll(fr)); }
            }
            return rebuilt;
        }

        /// <summary>Pushes a transpose down to the symbols.</summary>
        private Expr TransposeOf(Expr a)
        {
            if (a.IsScalar) return a;
            Expr Use(string rule, Expr r) { Used.Add(rule); return r; }
            switch (a)
            {
                case Transpose t: return Use(Rules.TransposeProduct.Name, t.A);
                case MatMul m: return Use(Rules.TransposeProduct.Name, LeftAssociated(Ops.Mul(TransposeOf(m.R), TransposeOf(m.L))));
                case Add or Hadamard or HadamardDiv or HadamardPower or Elementwise or Broadcast or Power:
                    // Pushed inside only when that shows the matrix is symmetric; (A − UVᵀ)ᵀ reads better than Aᵀ − VUᵀ.
                    return Rewrites.Symmetric.TryApply(new Transpose(a)) ?? new Transpose(a);
                case Neg n: return Ops.Neg(TransposeOf(n.A));
                case Scale s: return Ops.Scale(s.Factor, TransposeOf(s.A));
                case Divide d: return Ops.Div(TransposeOf(d.Numerator), d.Denominator);
                case Symbol: return Rewrites.Symmetric.TryApply(new Transpose(a)) ?? new Transpose(a);
                case Identity: return a;
                case ZeroMatrix z: return new ZeroMatrix(z.Shape.Transposed);
                case Ones o: return new Ones(o.Shape.Transposed);
                case DiagMatrix: return a;
                case Kron k: return Use(Rules.TransposeKron.Name, new Kron(TransposeOf(k.L), TransposeOf(k.R)));
                case Inverse i:
                {
                    if (Rewrites.Symmetric.TryApply(new Transpose(a)) is { } same) return same;
                    var inner = TransposeOf(i.A);
                    if (i.A is Symbol) return new Transpose(a);
                    return Use(Rules.TransposeInverse.Name, Ops.Inv(inner));
                }
                default: return new Transpose(a);
            }
        }

        /// <summary>The condition of hadamard_power_of_power for raising x to the power q (noted when it holds).</summary>
        private bool CanSplitPower(Expr x, double q)
        {
            if (x is not (Hadamard or HadamardDiv or HadamardPower)) return false;
            var holds = Rules.HadamardPowerOfPower.Condition.Holds(new HadamardPower(x, q));
            if (holds) Used.Add(Rules.HadamardPowerOfPower.Name);
            return holds;
        }

        /// <summary>A product chain associated to the left, as it is read (X' A' X, not X' (A' X)).</summary>
        private static Expr LeftAssociated(Expr e)
        {
            if (e is not MatMul) return e;
            var factors = new List<Expr>();
            void Collect(Expr x)
            {
                if (x is MatMul mm) { Collect(mm.L); Collect(mm.R); }
                else factors.Add(x);
            }
            Collect(e);
            return factors.Skip(1).Aggregate(factors[0], (acc, f) => new MatMul(acc, f));
        }

        /// <summary>Flattens a Hadamard product, merges equal factors into powers, and applies W ⊙ W = W for indicators.</summary>
        private Expr HadamardProduct(Expr e)
        {
            var factors = new List<(Expr Base, double Power)>();
            Expr scalar = new Number(1);
            void Collect(Expr x, double power)
            {
                // (A ⊙ B)^∘q = A^∘q ⊙ B^∘q and (A^∘p)^∘q = A^∘pq only for an integer q or a non-negative base.
                var splits = power == 1 || CanSplitPower(x, power);
                switch (x)
                {
                    case Hadamard h when splits: Collect(h.L, power); Collect(h.R, power); break;
                    case HadamardDiv hd when splits: Collect(hd.L, power); Collect(hd.R, -power); break;
                    case HadamardPower hp when splits: Collect(hp.A, power * hp.Exponent); break;
                    case Ones: break;
                    case Neg n when power == 1: scalar = Ops.Neg(scalar); Collect(n.A, power); break;
                    case Broadcast b when power == -1: scalar = Ops.Div(scalar, Normalize(b.Value)); break;
                    case Broadcast b when power == 1: scalar = Ops.Mul(scalar, Normalize(b.Value)); break;
                    case Scale s when power == 1: scalar = Ops.Mul(scalar, Normalize(s.Factor)); Collect(s.A, power); break;
                    default:
                    {
                        var n = Normalize(x);
                        if (n != x && (n is Hadamard or HadamardPower or HadamardDiv or Scale or Broadcast or Ones || (n is Neg && power == 1))) { Collect(n, power); break; }
                        var i = factors.FindIndex(f => f.Base == n);
                        if (i >= 0)
                        {
                            Used.Add(Rules.HadamardCollect.Name);
                            factors[i] = (n, Rational.Snap(factors[i].Power + power));
                        }
                        else factors.Add((n, power));
                        break;
                    }
                }
            }
            Collect(e, 1);
            LogisticFacts.Fold(factors, Normalize);
            // ⊙ commutes: one order for the factors (symbols first, by name) makes A ⊙ X and X ⊙ A like terms.
            factors = factors.OrderBy(f => f.Base is Symbol or Transpose { A: Symbol } ? 0 : 1)
                .ThenBy(f => f.Base switch { Symbol s => s.Name, Transpose { A: Symbol s } => s.Name, _ => "" }, StringComparer.Ordinal)
                .ThenBy(f => f.Base, ExprOrder.Instance).ToList();
            Expr? acc = null;
            Expr? denominator = null;
            if (factors.Any(f => Math.Abs(f.Power) < 1e-12)) Used.Add(Rules.CombineLikeTerms.Name);
            foreach (var (b, p) in factors.Where(f => Math.Abs(f.Power) >= 1e-12))
            {
                if (p < 0)
                {
                    var d = p == -1 ? b : new HadamardPower(b, -p);
                    denominator = denominator is null ? d : new Hadamard(denominator, d);
                    continue;
                }
                var power = p;
                var term = power == 1 ? b : Rewrites.IndicatorPower.TryApply(new HadamardPower(b, power)) ?? new HadamardPower(b, power);
                acc = acc is null ? term : new Hadamard(acc, term);
            }
            // Nothing above the bar: 1 ./ X, the scalar 1 broadcast (as written), not ones(n, m) ./ X.
            acc ??= denominator is null ? new Ones(e.Shape) : new Broadcast(new Number(1), e.Shape);
            if (denominator is not null) acc = new HadamardDiv(acc, denominator);
            return Ops.Scale(scalar, acc);
        }

        // ───────────── expansion into monomials ─────────────

        private List<Monomial> Expand(Expr e)
        {
            switch (e)
            {
                case Number n: return [Monomial.Scalar(n.Value)];
                case Add a: return [.. Expand(a.L), .. Expand(a.R)];
                case Neg n: return Expand(n.A).Select(m => m.Clone(-m.Coef)).ToList();
                case Scale s: return Product(Expand(s.Factor), Expand(s.A), e);
                case MatMul m: return Product(Expand(m.L), Expand(m.R), e);
                case Divide d:
                {
                    var num = Expand(d.Numerator);
                    if (d.Denominator is Number { Value: 0 }) return [Atom(e)];
                    if (d.Denominator is Number k) return num.Select(m => m.Clone(m.Coef / k.Value)).ToList();
                    var den = Expand(d.Denominator);
                    if (den.Count == 1 && den[0].Chain.Count == 0 && den[0].Coef != 0)
                    {
                        var inv = Monomial.Scalar(1 / den[0].Coef);
                        foreach (var (key, (atom, exp)) in den[0].Scalars) inv.Scalars[key] = (atom, -exp);
                        return Product(num, [inv], e);
                    }
                    var reciprocal = Monomial.Scalar(1);
                    var denominator = Full(d.Denominator);
                    reciprocal.Scalars[denominator] = (denominator, -1);
                    return Product(num, [reciprocal], e);
                }
                case Power p when p.IsScalar && p.A is not Number:
                {
                    var b = Expand(p.A);
                    // (c a b)^p = c^p a^p b^p: the product_power rule, under its condition (p an integer, or every factor ≥ 0).
                    // Every factor is checked, not only the whole: (t s²)^½ must not become t^½ s.
                    // A single atom a^e needs no condition: it is only written as the factor (a, e), so that
                    // det(X) det(X)^(-2/3) collects into det(X)^(1/3) (defined only where det(X) > 0 anyway).
                    var single = b.Count == 1 && b[0].Chain.Count == 0 && b[0].Coef == 1 && b[0].Scalars.Count == 1 && b[0].Scalars.Values.First().Exp == 1;
                    if (b.Count == 1 && b[0].Chain.Count == 0
                        && (single || Facts.IsInteger(p.Exponent) || (b[0].Coef > 0 && b[0].Scalars.Values.All(f => Facts.NonNegative(f.Atom)))))
                    {
                        if (b[0].Scalars.Count + (b[0].Coef == 1 ? 0 : 1) > 1) Used.Add(Rules.ProductPower.Name);
                        else if (b[0].Scalars.Values.Any(f => f.Exp != 1)) Used.Add(Rules.PowerOfPower.Name);
                        var m = Monomial.Scalar(Rational.Snap(Math.Pow(b[0].Coef, p.Exponent)));
                        foreach (var (key, (atom, exp)) in b[0].Scalars) m.Scalars[key] = (atom, Rational.Snap(exp * p.Exponent));
                        return [m];
                    }
                    return [Atom(e)];
                }
                case Identity: return [new Monomial(1, new(ExprOrder.SymbolsFirst), [], e.Shape)];
                case Broadcast b:
                    // s𝟙 as a factor of a product is s times the all-ones matrix (printed bare it would read as a scalar).
                    return Product(Expand(b.Value), [Atom(new Ones(b.Shape))], e);
                default: return [Atom(e)];
            }
        }

        private static Monomial Atom(Expr e)
        {
            var m = new Monomial(1, new(ExprOrder.SymbolsFirst), [], e.Shape);
            if (e.IsScalar) m.Scalars[e] = (e, 1);
            else m.Chain.Add(e);
            return m;
        }

        private List<Monomial> Product(List<Monomial> left, List<Monomial> right, Expr whole)
        {
            if (left.Count * right.Count > MaxMonomials) return [Atom(whole)];
            if (left.Count > 1 || right.Count > 1) Used.Add(Rules.Distribute.Name);
            var result = new List<Monomial>(left.Count * right.Count);
            var shape = whole.Shape;
            foreach (var l in left)
                foreach (var r in right)
                {
                    var m = new Monomial(Rational.Snap(l.Coef * r.Coef), new(ExprOrder.SymbolsFirst), [], shape);
                    foreach (var (k, v) in l.Scalars) AddScalar(m, k, v.Atom, v.Exp);
                    foreach (var (k, v) in r.Scalars) AddScalar(m, k, v.Atom, v.Exp);
                    // A 1×1 chain next to a matrix is a scalar factor.
                    var lChainScalar = l.Chain.Count > 0 && l.Shape.IsScalar;
                    var rChainScalar = r.Chain.Count > 0 && r.Shape.IsScalar;
                    if (lChainScalar && !shape.IsScalar) AddScalarAtom(m, ChainExpr(l.Chain));
                    else m.Chain.AddRange(l.Chain);
                    if (rChainScalar && (!shape.IsScalar || lChainScalar)) AddScalarAtom(m, ChainExpr(r.Chain));
                    else m.Chain.AddRange(r.Chain);
                    result.Add(m);
                }
            return result;
        }

        private static void AddScalarAtom(Monomial m, Expr atom) => AddScalar(m, atom, atom, 1);

        private static void AddScalar(Monomial m, Expr key, Expr atom, double exp)
        {
            var total = Rational.Snap(m.Scalars.TryGetValue(key, out var existing) ? existing.Exp + exp : exp);
            if (total == 0) m.Scalars.Remove(key);
            else m.Scalars[key] = (atom, total);
        }

        private static Expr ChainExpr(IEnumerable<Expr> chain) => chain.Aggregate((a, b) => new MatMul(a, b));

        /// <summary>
        /// power_collect: consecutive factors that are powers of one square matrix (Xᵏ, Xᵀ, (Xᵏ)ᵀ, X⁻¹, (Xᵏ)⁻¹, …) commute and
        /// merge into one power: Xᵀ Xᵀ = (X²)ᵀ, (X⁴⁰)⁻ᵀ (X³⁹)ᵀ = X⁻ᵀ, X X⁻¹ = I (dropped).
        /// </summary>
        private void CollectPowers(Monomial m)
        {
            if (m.Chain.Count < 2) return;
            var merged = new List<(Expr Base, long Exp)>();
            var changed = false;
            foreach (var factor in m.Chain)
            {
                var (b, k) = AsPower(factor);
                if (merged.Count > 0 && k != 0 && merged[^1].Exp != 0 && merged[^1].Base == b && b.Shape.IsSquare)
                {
                    merged[^1] = (b, merged[^1].Exp + k);
                    changed = true;
                }
                else merged.Add((b, k));
            }
            if (!changed) return;
            Used.Add(Rules.PowerCollect.Name);
            var chain = merged.Where(f => f.Exp != 0 || f.Base is not null).Select(f => f.Exp == 0 ? null : FromPower(f.Base, f.Exp)).OfType<Expr>().ToList();
            m.Chain.Clear();
            m.Chain.AddRange(chain);
        }

        /// <summary>A chain factor as base^k, the base a matrix or a transposed one (k = 0: not a power of anything).</summary>
        private static (Expr Base, long Exp) AsPower(Expr f)
        {
            switch (f)
            {
                case Inverse i:
                {
                    var (b, k) = AsPower(i.A);
                    return k == 0 ? (f, 0) : (b, -k);
                }
                case Transpose { A: var inner } when inner is Power or Inverse:
                {
                    var (b, k) = AsPower(inner);
                    return k == 0 ? (f, 0) : (b is Transpose bt ? bt.A : new Transpose(b), k);
                }
                case Power { IsScalar: false } p when Facts.IsInteger(p.Exponent) && p.Exponent > 0:
                {
                    // (X⁻¹)ᵏ = X⁻ᵏ, (Xᵖ)ᵏ = Xᵖᵏ.
                    var (b, k) = p.A is Power or Inverse ? AsPower(p.A) : (p.A, 1);
                    return k == 0 ? (f, 0) : (b, k * (long)p.Exponent);
                }
                default:
                    return (f, 1);
            }
        }

        private static Expr FromPower(Expr b, long k)
        {
            if (b is Transpose { A: var s }) return new Transpose(FromPower(s, k));
            var positive = Math.Abs(k) == 1 ? b : new Power(b, Math.Abs(k));
            return k > 0 ? positive : new Inverse(positive);
        }

        private List<Monomial> Combine(List<Monomial> monos)
        {
            var result = new List<Monomial>();
            var index = new Dictionary<(ValueList<(Expr, double)>, ValueList<Expr>, Shape), Monomial>();
            foreach (var m in monos)
            {
                if (m.Coef == 0) continue;
                CollectPowers(m);
                var key = (m.ScalarKey, m.ChainKey, m.Shape);
                if (index.TryGetValue(key, out var same))
                {
                    Used.Add(Rules.CombineLikeTerms.Name);
                    same.Coef = Rational.Snap(same.Coef + m.Coef);
                }
                else
                {
                    var copy = m.Clone();
                    index[key] = copy;
                    result.Add(copy);
                }
            }
            result.RemoveAll(m => Math.Abs(m.Coef) < 1e-300);
            return result;
        }

        // ───────────── rebuilding, with common factors taken out ─────────────

        private Expr Rebuild(List<Monomial> monos, Shape shape, bool factor)
        {
            if (monos.Count == 0) return Ops.Zero(shape);
            if (monos.Count == 1) return MonomialExpr(monos[0], shape, foldSign: true);
            if (factor)
            {
                // Group the terms by their scalar part (|coefficient| and scalar factors).
                var groups = monos.GroupBy(m => (Math.Abs(m.Coef), m.ScalarKey)).Select(g => g.ToList()).ToList();
                if (groups.Count < monos.Count)
                {
                    Expr? sum = null;
                    foreach (var g in groups)
                    {
                        Expr term;
                        if (g.Count == 1) term = MonomialExpr(g[0], shape);
                        else
                        {
                            Used.Add(Rules.FactorCommon.Name);
                            var common = g[0].Clone(Math.Abs(g[0].Coef));
                            common.Chain.Clear();
                            var inner = FactorChains(g.Select(m => (Math.Sign(m.Coef) * 1.0, m)).ToList(), shape, stripScalars: true);
                            term = ScaleByMonomial(common, inner);
                        }
                        sum = sum is null ? term : AddTerm(sum, term);
                    }
                    return sum!;
                }
                if (monos.All(m => m.Chain.Count > 0))
                {
                    var factored = FactorChains(monos.Select(m => (1.0, m)).ToList(), shape, stripScalars: false);
                    if (factored is not null) return factored;
                }
            }
            return PositiveFirst(monos).Select(m => MonomialExpr(m, shape)).Aggregate(AddTerm);
        }

        /// <summary>B − A rather than −A + B: a positive term leads when there is one.</summary>
        private static IEnumerable<Monomial> PositiveFirst(List<Monomial> monos)
        {
            var first = monos.FindIndex(m => m.Coef > 0);
            return first <= 0 ? monos : monos.Skip(first).Take(1).Concat(monos.Where((_, i) => i != first));
        }

        private static Expr AddTerm(Expr acc, Expr term) =>
            term is Neg n && acc.IsScalar == term.IsScalar ? new Add(acc, new Neg(n.A)) : Ops.Add(acc, term);

        /// <summary>
        /// P (Σ ±rest_i) S for the longest common prefix P and suffix S of the chains, preferring factors that leave every
        /// remainder non-empty (2Xᵀ(XWZ − X)Zᵀ rather than 2XᵀX(WZ − I)Zᵀ). Returns a plain sum when nothing is common.
        /// </summary>
        private Expr FactorChains(List<(double Sign, Monomial M)> terms, Shape shape, bool stripScalars)
        {
            terms = terms.OrderBy(t => t.M.Chain.Sum(f => f.DescendantsAndSelf().Count(n => n is Transpose)))
                .ThenBy(t => t.Sign * t.M.Coef < 0 ? 1 : 0).ToList();
            var chains = terms.Select(t => t.M.Chain).ToList();
            int Common(Func<List<Expr>, int, Expr> at, int skip)
            {
                var max = chains.Min(c => c.Count) - skip;
                var k = 0;
                while (k < max && chains.All(c => at(c, k) == at(chains[0], k))) k++;
                return k;
            }
            var prefix = Common((c, i) => c[i], 0);
            var suffix = Math.Max(0, Common((c, i) => c[c.Count - 1 - i], 0));
            // Keep every remainder non-empty when possible.
            var minLen = chains.Min(c => c.Count);
            if (prefix + suffix > minLen) suffix = Math.Max(0, minLen - prefix);
            if (prefix + suffix == minLen && minLen > 1)
            {
                if (prefix >= suffix) prefix--; else suffix--;
            }
            // A bare ±term that would leave only I behind (X W Z − X → X (W Z − I)) reads worse than the sum; with a scalar
            // of its own the identity is worth it (W (λ₁ I + λ₂ Ω⁻¹)).
            if ((prefix > 0 || suffix > 0) && terms.Any(t => t.M.Chain.Count == prefix + suffix && t.M.Scalars.Count == 0 && Math.Abs(t.M.Coef) == 1))
                prefix = suffix = 0;
            if (prefix == 0 && suffix == 0)
            {
                Expr? plain = null;
                foreach (var (sign, m) in terms)
                {
                    var t = stripScalars ? MonomialExpr(m.Clone(sign) is var c0 ? StripScalars(c0) : c0, shape) : MonomialExpr(m, shape);
                    plain = plain is null ? t : AddTerm(plain, t);
                }
                return plain!;
            }
            Used.Add(Rules.FactorCommon.Name);
            var head = chains[0].Take(prefix).ToList();
            var tail = chains[0].Skip(chains[0].Count - suffix).ToList();
            Expr? inner = null;
            foreach (var (sign, m) in terms)
            {
                var rest = m.Chain.Skip(prefix).Take(m.Chain.Count - prefix - suffix).ToList();
                var restShape = new Shape(
                    prefix > 0 ? head[^1].Shape.Cols : shape.Rows,
                    suffix > 0 ? tail[0].Shape.Rows : shape.Cols);
                var r = stripScalars ? StripScalars(m.Clone(sign)) : m.Clone();
                r.Chain.Clear();
                r.Chain.AddRange(rest);
                var term = MonomialExpr(r, restShape);
                inner = inner is null ? term : AddTerm(inner, term);
            }
            Expr result = inner!;
            if (head.Count > 0) result = result.IsScalar ? Ops.Scale(result, ChainExpr(head)) : new MatMul(ChainExpr(head), result);
            if (tail.Count > 0) result = result.IsScalar ? Ops.Scale(result, ChainExpr(tail)) : new MatMul(result, ChainExpr(tail));
            return result;
        }

        /// <summary>2·(σ tr(…)) as (2 σ) tr(…), which prints as "2 sigma tr(…)" and re-parses to itself.</summary>
        private static Expr PrependCoefficient(Expr k, Expr e) => e is Scale s ? new Scale(PrependCoefficient(k, s.Factor), s.A) : new Scale(k, e);

        private static Monomial StripScalars(Monomial m)
        {
            m.Scalars.Clear();
            return m;
        }

        private static Expr ScaleByMonomial(Monomial scalarPart, Expr inner) => MonomialExpr(scalarPart, Shape.Scalar) switch
        {
            // (x − a) / ‖x − a‖ rather than 1 / ‖x − a‖ (x − a).
            Divide { Numerator: Number { Value: 1 }, Denominator: var below } when !inner.IsScalar => new Divide(inner, below),
            var scalar => ScaleFront(scalar, inner),
        };

        /// <summary>c·(A B C) written as (c A) B C, so that the text "c A B C" reads and re-parses as written.</summary>
        private static Expr ScaleFront(Expr scalar, Expr e) => e switch
        {
            _ when Ops.IsOne(scalar) => e,
            Neg n => Ops.Neg(ScaleFront(scalar, n.A)),
            MatMul m => new MatMul(ScaleFront(scalar, m.L), m.R),
            _ => Ops.Scale(scalar, e),
        };

        /// <summary>coef · Πscalars · chain, with 1/k coefficients and negative powers written as fractions.</summary>
        private static Expr MonomialExpr(Monomial m, Shape shape, bool foldSign = false)
        {
            var coef = m.Coef;
            var negative = coef < 0;
            coef = Math.Abs(coef);
            if (foldSign && negative && coef != 1 && !(coef < 1 && Math.Abs(1 / coef - Math.Round(1 / coef)) < 1e-12))
            {
                // A lone term: -2 A B reads better than -(2 A B).
                var positive = MonomialExpr(m.Clone(coef), shape);
                return positive switch
                {
                    MatMul mm => MulFront(mm),
                    Scale { Factor: Number k } sc => new Scale(new Number(-k.Value), sc.A),
                    _ => Ops.Neg(positive),
                };
                static Expr MulFront(Expr e) => e switch
                {
                    MatMul mm => new MatMul(MulFront(mm.L), mm.R),
                    Scale { Factor: Number k } sc => new Scale(new Number(-k.Value), sc.A),
                    _ => Ops.Neg(e),
                };
            }
            Expr? num = null, den = null;
            var numFactors = new List<Expr>();
            foreach (var (_, (atom, exp)) in m.Scalars)
            {
                var factor = Math.Abs(exp) == 1 ? atom : new Power(atom, Math.Abs(exp));
                if (exp > 0) { num = num is null ? factor : new Scale(num, factor); numFactors.Add(factor); }
                else den = den is null ? factor : new Scale(den, factor);
            }
            var reciprocal = coef < 1 && coef > 0 && Math.Abs(1 / coef - Math.Round(1 / coef)) < 1e-12 && 1 / coef <= 1e6;
            Expr? scalar;
            if (reciprocal && den is null && numFactors.Count > 1 && numFactors[0] is Symbol)
            {
                // λ/2 · tr(…) rather than λ tr(…) / 2: the fraction takes the leading symbol only.
                scalar = numFactors.Skip(1).Aggregate((Expr)new Divide(numFactors[0], new Number(Math.Round(1 / coef))), (acc, f) => new Scale(acc, f));
            }
            else if (reciprocal)
            {
                var k = new Number(Math.Round(1 / coef));
                den = den is null ? k : new Scale(k, den);
                scalar = new Divide(num ?? new Number(1), den);
            }
            else if (Rational.IsFraction(coef, out var p, out var q))
            {
                // An exact fraction, 2/3 rather than 0.6666666666666666.
                num = num is null ? new Number(p) : PrependCoefficient(new Number(p), num);
                den = den is null ? new Number(q) : new Scale(new Number(q), den);
                scalar = new Divide(num, den);
            }
            else
            {
                if (coef != 1) num = num is null ? new Number(coef) : PrependCoefficient(new Number(coef), num);
                scalar = den is null ? num : new Divide(num ?? new Number(1), den);
            }
            Expr result;
            if (m.Chain.Count == 0)
                result = shape.IsScalar ? scalar ?? new Number(1) : Ops.Scale(scalar ?? new Number(1), shape.IsSquare ? new Identity(shape.Rows) : new Ones(shape));
            else if (scalar is Divide { Numerator: Number { Value: 1 }, Denominator: var below })
                result = new Divide(ChainExpr(m.Chain), below); // (x − a) / ‖x − a‖, not 1 / ‖x − a‖ (x − a)
            else
            {
                var chain = ChainExpr(m.Chain);
                result = scalar is null ? chain : ScaleFront(scalar, chain);
            }
            // −det(X⁻¹) X⁻ᵀ: the sign goes on the leading scalar factor rather than around the whole product.
            if (negative && result is Scale { Factor: var lead and not (Number or Divide), A: var rest } && lead.IsScalar)
                return new Scale(new Neg(lead), rest);
            return negative ? Ops.Neg(result) : result;
        }
    }
}
