using NotebookCalc.Semantics;

namespace NotebookCalc.Calculus;

/// <summary>
/// The Gâteaux (directional) derivative: expand f(X + εH) in powers of ε — exactly for the polynomial parts, to first
/// order (named rules) for inverses, determinants, entrywise functions, norms, softmax and opaque functions — take the
/// difference quotient and its limit to get Df(X)[H], write it as tr(Gᵀ H) with the trace identities, and identify G
/// by setting H = E_ij. Independent of the differential method except for the final tidying by the simplifier.
/// </summary>
public sealed class GateauxMethod
{
    public const string Name = "gateaux";

    /// <summary>This method behind the common interface.</summary>
    public static IDerivationMethod Method { get; } = new AsMethod();

    private sealed class AsMethod : IDerivationMethod
    {
        public string Name => GateauxMethod.Name;

        public Derivation Derive(Expr f, Symbol x) => GateauxMethod.Derive(f, x);
    }

    private readonly Symbol _x;
    private readonly Symbol _h;
    private readonly Symbol _eps = new("ε", Shape.Scalar);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly Dictionary<Expr, Series> _memo = new(ReferenceEqualityComparer.Instance);

    private GateauxMethod(Symbol x, Symbol h)
    {
        _x = x;
        _h = h;
    }

    /// <summary>f(X + εH) = Σ_k ε^k C[k] (+ O(ε²) when <see cref="Truncated"/>).</summary>
    private sealed record Series(IReadOnlyList<Expr> C, bool Truncated)
    {
        public Expr At(int k, Shape shape) => k < C.Count ? C[k] : Ops.Zero(shape);
    }

    public static Derivation Derive(Expr f, Symbol x)
    {
        var names = f.DescendantsAndSelf().OfType<Symbol>().Select(s => s.Name).ToHashSet();
        var hName = new[] { "H", "H1", "H2", "E_dir" }.First(n => !names.Contains(n));
        var m = new GateauxMethod(x, new Symbol(hName, x.Shape));
        return m.Run(f);
    }

    /// <summary>
    /// The Gâteaux derivative of a matrix-valued g (a gradient, for the Hessian) along <paramref name="h"/>: g(X + εH)
    /// expanded to first order with the same named rules, the difference quotient, and its limit Dg(X)[H] (unsimplified).
    /// </summary>
    internal static (IReadOnlyList<DerivationStep> Steps, Expr Directional) Directional(Expr g, Symbol x, Symbol h, FunctionTerm function)
    {
        var m = new GateauxMethod(x, h);
        var shifted = new ApplyTerm(function, x, h);
        var steps = new List<DerivationStep>
        {
            new(new ApplyTerm(function, x), g, ["definition"]),
            new(shifted, m.Substitute(g), [Rules.GateauxSubstitute.Name]),
        };
        var series = m.Expand(g);
        var coefficients = Enumerable.Range(0, 2).Select(k => Simplifier.Simplify(series.At(k, g.Shape))).ToList();
        // Exact when g is affine in X (no term of order ε² or higher to drop).
        var exact = !series.Truncated && series.C.Count <= 2;
        // A map that is linear already (F = Xᵀ) expands with no rule of its own: it is the expansion of a transpose.
        var used = m._used.Count > 0 ? m._used.OrderBy(r => r, StringComparer.Ordinal).ToList() : [Rules.GateauxExpand.Name];
        steps.Add(new DerivationStep(shifted, m.Polynomial(coefficients, 0, exact ? 0 : 2), used));
        steps.Add(new DerivationStep(new DifferenceQuotientTerm(function, x, h), m.Polynomial(coefficients, 1, exact ? 0 : 1),
            [Rules.GateauxDifferenceQuotient.Name]));
        return (steps, series.At(1, g.Shape));
    }

    private Derivation Run(Expr f)
    {
        var shifted = new ApplyTerm(FunctionTerm.F, _x, _h);
        var steps = new List<DerivationStep>
        {
            new(new ApplyTerm(FunctionTerm.F, _x), f, ["definition"]),
            new(shifted, Substitute(f), [Rules.GateauxSubstitute.Name]),
        };

        var series = Expand(f);
        var order = series.Truncated ? 1 : series.C.Count - 1;
        var coefficients = Enumerable.Range(0, order + 1).Select(k => Simplifier.Simplify(series.At(k, Shape.Scalar))).ToList();
        steps.Add(new DerivationStep(shifted, Polynomial(coefficients, 0, series.Truncated ? 2 : 0), _used.OrderBy(r => r, StringComparer.Ordinal).ToList()));

        var quotient = Polynomial(coefficients, 1, series.Truncated ? 1 : 0);
        steps.Add(new DerivationStep(new DifferenceQuotientTerm(FunctionTerm.F, _x, _h), quotient, [Rules.GateauxDifferenceQuotient.Name]));
        var directional = order >= 1 ? series.At(1, Shape.Scalar) : new Number(0);
        var df = new DirectionTerm(FunctionTerm.F, _x, _h);
        steps.Add(new DerivationStep(df, Simplifier.Simplify(directional), [Rules.GateauxLimit.Name]));

        // Write Df(X)[H] as Σ tr(G_iᵀ H) with the trace identities, then collect.
        var form = new FrobeniusForm(_x, e => e == _h, traceNames: true);
        var terms = Ops.Terms(directional).ToList();
        var tidy = new SortedSet<string>(StringComparer.Ordinal);
        var parts = terms.Select(t => form.Adjoint(new Number(1), t)).Where(g => !Ops.IsZero(g))
            .Select(g => { var s = Simplifier.Simplify(g, out var r); tidy.UnionWith(r); return s; }).ToList();
        var traced = Ops.Sum(parts.Select(TraceForm), Shape.Scalar);
        steps.Add(new DerivationStep(df, traced, form.Used.OrderBy(r => r, StringComparer.Ordinal).Concat(tidy).ToList()));
        var g = Simplifier.Simplify(Ops.Sum(parts, _x.Shape), out var simplifyRules);
        if (parts.Count > 1)
            steps.Add(new DerivationStep(df, TraceForm(g), [Rules.FrobeniusCollect.Name, .. simplifyRules]));

        // H = E_ij (e_i for a vector) picks out one entry of G.
        var idx = new IndexList(_x.IsScalar ? [] : _x.Shape.IsColumnVector ? ["i"] : ["i", "j"]);
        steps.Add(new DerivationStep(new PartialTerm(_x, idx), new BasisTerm(_x, g, idx), [Rules.GateauxBasis.Name]));
        // For a scalar variable the basis step (Df(x)[1] = G) identifies the derivative already.
        if (!_x.IsScalar) steps.Add(new DerivationStep(new PartialTerm(_x), g, [Rules.IdentifyGradient.Name]));
        return new Derivation(Name, steps, g);
    }

    /// <summary>tr(Gᵀ H) (or G·H for a scalar variable).</summary>
    private Expr TraceForm(Expr g) => _x.IsScalar ? Ops.Mul(g, _h) : new Trace(new MatMul(Ops.T(g), _h));

    private Expr Polynomial(IReadOnlyList<Expr> c, int from, int orderTerm)
    {
        Expr? acc = null;
        for (var k = from; k < c.Count; k++)
        {
            if (Ops.IsZero(c[k])) continue;
            var power = k - from;
            var term = power == 0 ? c[k] : Ops.Scale(power == 1 ? _eps : new Power(_eps, power), c[k]);
            acc = acc is null ? term : Ops.Add(acc, term);
        }
        acc ??= new Number(0);
        return orderTerm > 0 ? new Add(acc, new Order(orderTerm)) : acc;
    }

    private Expr Substitute(Expr e) => e switch
    {
        Symbol s when s.Name == _x.Name => new Add(_x, Ops.Scale(_eps, _h)),
        LeafExpr => e,
        _ => e.With(e.Children.Select(Substitute).ToList()),
    };

    // ───────────── the expansion ─────────────

    private Series Expand(Expr e)
    {
        if (_memo.TryGetValue(e, out var s)) return s;
        Budget.Tick();
        s = ExpandCore(e);
        foreach (var c in s.C) Budget.CheckSize(c, "the expansion");
        _memo[e] = s;
        return s;
    }

    private bool Depends(Expr e) => Expand(e).C.Count > 1;

    private static Series Const(Expr e) => new([e], false);

    private Series Use(Rule rule, Series s)
    {
        _used.Add(rule.Name);
        return s;
    }

    private static Series Cut(List<Expr> c, bool truncated)
    {
        while (c.Count > 1 && Ops.IsZero(c[^1])) c.RemoveAt(c.Count - 1);
        if (truncated && c.Count > 2) c.RemoveRange(2, c.Count - 2);
        return new Series(c, truncated);
    }

    private static Series Map(Series a, Func<Expr, Expr> f) => Cut(a.C.Select(f).ToList(), a.Truncated);

    private static Series Zip(Series a, Series b, Func<Expr, Expr, Expr> add, Shape shape)
    {
        var n = Math.Max(a.C.Count, b.C.Count);
        var c = Enumerable.Range(0, n).Select(k => add(a.At(k, shape), b.At(k, shape))).ToList();
        return Cut(c, a.Truncated || b.Truncated);
    }

    /// <summary>
    /// Coefficients of a bilinear product to first order: c₀ = a₀ ∘ b₀, c₁ = a₀ ∘ b₁ + a₁ ∘ b₀; the ε² term, when there is
    /// one, is dropped as it arises (shown as O(ε²)), so a product of k factors has k first-order terms, not 2ᵏ.
    /// </summary>
    private static Series Convolve(Series a, Series b, Func<Expr, Expr, Expr> mul, Shape shape)
    {
        var truncated = a.Truncated || b.Truncated || (a.C.Count > 1 && b.C.Count > 1);
        var n = a.C.Count + b.C.Count - 1;
        if (truncated) n = Math.Min(n, 2);
        var c = new List<Expr>();
        for (var k = 0; k < n; k++)
        {
            Expr acc = Ops.Zero(shape);
            for (var i = 0; i <= k; i++)
            {
                if (i >= a.C.Count || k - i >= b.C.Count) continue;
                acc = Ops.Add(acc, mul(a.C[i], b.C[k - i]));
            }
            c.Add(acc);
        }
        return Cut(c, truncated);
    }

    /// <summary>First order: f(A₀ + εA₁) = f(A₀) + ε·lin(A₁) + O(ε²).</summary>
    private Series FirstOrder(Rule rule, Expr e, Series inner, Func<Expr, Expr> linear)
    {
        _used.Add(rule.Name);
        var a1 = inner.At(1, inner.C[0].Shape);
        return Cut([Substituted0(e), linear(a1)], truncated: true);
    }

    /// <summary>The ε⁰ coefficient of e is e itself (with the variable unshifted).</summary>
    private static Expr Substituted0(Expr e) => e;

    private Series ExpandCore(Expr e)
    {
        switch (e)
        {
            case Symbol s when s.Name == _x.Name: return new Series([e, _h], false);
            case LeafExpr: return Const(e);
        }
        if (!e.DescendantsAndSelf().Any(n => n is Symbol s && s.Name == _x.Name)) return Const(e);
        var shape = e.Shape;
        switch (e)
        {
            case Add a: return Use(Rules.GateauxExpand, Zip(Expand(a.L), Expand(a.R), Ops.Add, shape));
            case Neg n: return Map(Expand(n.A), Ops.Neg);
            case MatMul m: return Use(Rules.GateauxExpand, Convolve(Expand(m.L), Expand(m.R), Ops.Mul, shape));
            case Scale sc: return Use(Rules.GateauxExpand, Convolve(Expand(sc.Factor), Expand(sc.A), Ops.Scale, shape));
            case Transpose t: return Map(Expand(t.A), Ops.T);
            case Trace t: return Use(Rules.GateauxExpand, Map(Expand(t.A), Ops.Tr));
            case Frobenius f: return Use(Rules.GateauxExpand, Convolve(Expand(f.L), Expand(f.R), Ops.Frob, shape));
            case Hadamard h: return Use(Rules.GateauxExpand, Convolve(Expand(h.L), Expand(h.R), Ops.Had, shape));
            case Kron k: return Use(Rules.GateauxExpand, Convolve(Expand(k.L), Expand(k.R), (p, q) => Ops.IsZero(p) || Ops.IsZero(q) ? Ops.Zero(new Kron(p, q).Shape) : new Kron(p, q), shape));
            case SumAll s: return Map(Expand(s.A), x => Ops.IsZero(x) ? new Number(0) : new SumAll(x));
            case Vec v: return Map(Expand(v.A), x => new Vec(x));
            case DiagMatrix d: return Map(Expand(d.A), x => new DiagMatrix(x));
            case DiagVector d: return Map(Expand(d.A), x => new DiagVector(x));
            case Broadcast b: return Map(Expand(b.Value), x => Ops.IsZero(x) ? Ops.Zero(b.Shape) : new Broadcast(x, b.Shape));
            case Power { A: Norm { Kind: NormKind.Frobenius } n, Exponent: 2 }:
            {
                // ‖A₀ + εA₁ + …‖² = (A₀ + εA₁ + …) : (A₀ + εA₁ + …), exactly.
                var a = Expand(n.A);
                return Use(Rules.GateauxExpand, Convolve(a, a, Ops.Frob, Shape.Scalar));
            }
            case Power p when !p.A.IsScalar && p.Exponent >= PowerSums.SummationFrom:
            {
                // (A₀ + εA₁)ᵏ = A₀ᵏ + ε Σ_{i<k} A₀ⁱ A₁ A₀^{k−1−i} + O(ε²): one summation term, whatever k.
                var k = PowerSums.Exponent(p);
                return FirstOrder(Rules.GateauxMatrixPower, e, Expand(p.A), a1 => PowerSums.Make(p.A, a1, k));
            }
            case Power p when !p.A.IsScalar:
            {
                var a = Expand(p.A);
                var acc = a;
                for (var k = 1; k < (int)p.Exponent; k++) acc = Convolve(acc, a, Ops.Mul, shape);
                return Use(Rules.GateauxExpand, acc);
            }
            case Power p when p.Exponent == Math.Floor(p.Exponent) && p.Exponent is > 0 and <= 8:
            {
                var a = Expand(p.A);
                var acc = a;
                for (var k = 1; k < (int)p.Exponent; k++) acc = Convolve(acc, a, Ops.Mul, shape);
                return Use(Rules.GateauxExpand, acc);
            }
            case Power p:
                return FirstOrder(Rules.GateauxPower, e, Expand(p.A),
                    a1 => Ops.Scale(Ops.Scale(new Number(p.Exponent), p.Exponent == 2 ? p.A : new Power(p.A, p.Exponent - 1)), a1));
            case Divide d when !Depends(d.Denominator):
                return Map(Expand(d.Numerator), x => Ops.Div(x, d.Denominator));
            case Divide d:
            {
                _used.Add(Rules.GateauxDivision.Name);
                var num = Expand(d.Numerator);
                var den = Expand(d.Denominator);
                var b = num.At(1, d.Numerator.Shape);
                var dd = den.At(1, Shape.Scalar);
                var first = Ops.Sub(Ops.Div(b, d.Denominator), Ops.Div(Ops.Scale(dd, d.Numerator), new Power(d.Denominator, 2)));
                return Cut([e, first], truncated: true);
            }
            case Inverse i:
                return FirstOrder(Rules.GateauxInverse, e, Expand(i.A), a1 => Ops.Neg(Ops.Mul(Ops.Mul(e, a1), e)));
            case Det d:
                return FirstOrder(Rules.GateauxDet, e, Expand(d.A), a1 => Ops.Scale(e, Ops.Tr(Ops.Mul(Ops.Inv(d.A), a1))));
            case LogDet l:
                return FirstOrder(Rules.GateauxLogDet, e, Expand(l.A), a1 => Ops.Tr(Ops.Mul(Ops.Inv(l.A), a1)));
            case Elementwise f:
                return FirstOrder(Rules.GateauxElementwise, e, Expand(f.A), a1 => Ops.Had(Derivatives.Entrywise(f), a1));
            case HadamardPower hp:
                return FirstOrder(Rules.GateauxElementwise, e, Expand(hp.A),
                    a1 => Ops.Had(Ops.Scale(new Number(hp.Exponent), hp.Exponent == 2 ? hp.A : hp.Exponent == 1 ? new Ones(hp.Shape) : new HadamardPower(hp.A, hp.Exponent - 1)), a1));
            case HadamardDiv hd when !Depends(hd.R):
                return Map(Expand(hd.L), x => Ops.HadDiv(x, hd.R));
            case HadamardDiv hd:
            {
                _used.Add(Rules.GateauxElementwise.Name);
                var l1 = Expand(hd.L).At(1, hd.Shape);
                var r1 = Expand(hd.R).At(1, hd.R.Shape);
                var first = Ops.Sub(Ops.HadDiv(l1, hd.R), Ops.HadDiv(Ops.Had(hd.L, r1), Ops.Had(hd.R, hd.R)));
                return Cut([e, first], truncated: true);
            }
            case Norm { Kind: NormKind.Frobenius } n:
                return FirstOrder(Rules.GateauxNorm, e, Expand(n.A), a1 => Ops.Div(Ops.Frob(n.A, a1), e));
            case Norm n:
                return FirstOrder(Rules.GateauxNorm, e, Expand(n.A), a1 => Ops.Frob(new Elementwise(ElementwiseFn.Sign, n.A), a1));
            case Softmax sm:
                return FirstOrder(Rules.GateauxSoftmax, e, Expand(sm.A), a1 => Derivatives.Softmax(sm, a1));
            case OpaqueCall c:
                return FirstOrder(Rules.GateauxOpaque, e, Expand(c.Arg), a1 => new JacobianApply(c.Function, c.Arg, a1, c.Shape));
            default:
                throw new UnsupportedConstructException($"no expansion rule for {e.GetType().Name} ({e})");
        }
    }
}
