using NotebookCalc.Rendering;
using NotebookCalc.Semantics;
using NotebookCalc.Text;

namespace NotebookCalc.Calculus;

/// <summary>
/// The Frobenius-product differential method (Magnus–Neudecker): take df with the differential rules, one layer per
/// step; rewrite each term as G_i : dX with the Frobenius identities; collect; read off ∂f/∂X = ΣG_i; simplify.
/// </summary>
public sealed class DifferentialMethod
{
    private readonly Symbol _x;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private DifferentialMethod(Symbol x) => _x = x;

    public const string Name = "differential";

    /// <summary>This method behind the common interface.</summary>
    public static IDerivationMethod Method { get; } = new AsMethod();

    private sealed class AsMethod : IDerivationMethod
    {
        public string Name => DifferentialMethod.Name;

        public Derivation Derive(Expr f, Symbol x) => DifferentialMethod.Derive(f, x);
    }

    private static readonly DifferentialTerm Df = new(FunctionTerm.F);

    public static Derivation Derive(Expr f, Symbol x)
    {
        var m = new DifferentialMethod(x);
        var steps = new List<DerivationStep> { new(FunctionTerm.F, f, ["definition"]) };
        Expr df = new Differential(f);
        steps.Add(new DerivationStep(Df, df, ["definition"]));
        for (var guard = 0; guard < 10_000 && HasPending(df, x); guard++)
        {
            Budget.Tick();
            m._used.Clear();
            df = Budget.CheckSize(m.StepOnce(df), "the differential");
            steps.Add(new DerivationStep(Df, df, m._used.OrderBy(RuleOrder).ToList()));
        }

        // Rewrite each term as G_i : dX.
        var terms = Ops.Terms(df).ToList();
        m._used.Clear();
        // Each G_i is shown tidied (the simplifier only rewrites to equal values); the rules it used are listed with the step.
        var form = new FrobeniusForm(x, e => e is Differential, traceNames: false);
        var raw = terms.Select(t => form.Adjoint(new Number(1), t)).Where(g => !Ops.IsZero(g)).ToList();
        m._used.UnionWith(form.Used);
        var tidyRules = new SortedSet<string>(StringComparer.Ordinal);
        var contributions = raw.Select(g => { var s = Simplifier.Simplify(g, out var r); tidyRules.UnionWith(r); return s; }).ToList();
        var dX = new Differential(x);
        var frob = Ops.Sum(contributions.Select(g => (Expr)new Frobenius(g, dX)), Shape.Scalar);
        steps.Add(new DerivationStep(Df, frob, m._used.OrderBy(RuleOrder).Concat(tidyRules).ToList()));
        var sum = Ops.Sum(contributions, x.Shape);
        if (contributions.Count > 1)
            steps.Add(new DerivationStep(Df, new Frobenius(sum, dX), [Rules.FrobeniusCollect.Name]));
        var gradient = new PartialTerm(x);
        steps.Add(new DerivationStep(gradient, sum, [Rules.IdentifyGradient.Name]));
        var simplified = Simplifier.Simplify(sum, out var simplifyRules);
        if (simplified != sum)
            steps.Add(new DerivationStep(gradient, simplified, simplifyRules));
        return new Derivation(Name, steps, simplified);
    }

    /// <summary>
    /// d(e) of any expression (a gradient, for the Hessian), taken one layer per step with the differential rules until only
    /// dX remains: each layer with the rules it used.
    /// </summary>
    internal static IReadOnlyList<(Expr Expr, IReadOnlyList<string> Rules)> Layers(Expr e, Symbol x)
    {
        var m = new DifferentialMethod(x);
        var layers = new List<(Expr, IReadOnlyList<string>)>();
        Expr d = new Differential(e);
        for (var guard = 0; guard < 10_000 && HasPending(d, x); guard++)
        {
            Budget.Tick();
            m._used.Clear();
            d = Budget.CheckSize(m.StepOnce(d), "the differential");
            layers.Add((d, m._used.OrderBy(RuleOrder).ToList()));
        }
        return layers;
    }

    private static int RuleOrder(string name) => name == Rules.DConst.Name ? 1 : 0;

    private static bool HasPending(Expr e, Symbol x) =>
        e.DescendantsAndSelf().Any(n => n is Differential d && d.Of != x);

    private readonly Dictionary<Expr, bool> _contains = new(ReferenceEqualityComparer.Instance);

    /// <summary>Whether e depends on the variable (memoised per node, so a derivation stays near-linear in the tree size).</summary>
    private bool Contains(Expr e)
    {
        if (_contains.TryGetValue(e, out var known)) return known;
        var result = e is Symbol s ? s.Name == _x.Name : e.Children.Any(Contains);
        _contains[e] = result;
        return result;
    }

    // ───────────── one layer of the differential ─────────────

    private Expr StepOnce(Expr e)
    {
        if (e is Differential d)
            return d.Of == _x ? d : Apply(d.Of);
        if (e.Children.Count == 0) return e;
        var children = e.Children.Select(StepOnce).ToList();
        return Rebuild(e, children);
    }

    /// <summary>Rebuilds a node with new children through the smart constructors (so zeros fold away).</summary>
    private static Expr Rebuild(Expr e, IReadOnlyList<Expr> c) => e switch
    {
        Add => Ops.Add(c[0], c[1]),
        Neg => Ops.Neg(c[0]),
        MatMul => Ops.Mul(c[0], c[1]),
        Scale => Ops.Scale(c[0], c[1]),
        Divide => Ops.Div(c[0], c[1]),
        Transpose => Ops.T(c[0]),
        Trace => Ops.Tr(c[0]),
        Frobenius => Ops.Frob(c[0], c[1]),
        Hadamard => Ops.Had(c[0], c[1]),
        HadamardDiv => Ops.HadDiv(c[0], c[1]),
        Broadcast b when Ops.IsZero(c[0]) => Ops.Zero(b.Shape),
        SumAll when Ops.IsZero(c[0]) => new Number(0),
        PowerSum ps => PowerSums.Make(c[0], c[1], ps.K),
        _ => e.With(c),
    };

    private Expr D(Expr u)
    {
        if (Contains(u)) return new Differential(u);
        _used.Add(Rules.DConst.Name);
        return Ops.Zero(u.Shape);
    }

    private Expr Use(Rule rule, Expr result)
    {
        _used.Add(rule.Name);
        return result;
    }

    private Expr Apply(Expr a)
    {
        if (!Contains(a)) return D(a);
        switch (a)
        {
            case Add:
                // d of a whole sum in one step: d(a + b + c) = da + db + dc.
                return Use(Rules.DSum, Ops.Sum(Summands(a).Select(t => t.Negated ? Ops.Neg(D(t.Term)) : D(t.Term)), a.Shape));
            case Neg n: return Use(Rules.DNeg, Ops.Neg(D(n.A)));
            case MatMul m: return Use(Rules.DProduct, Ops.Add(Ops.Mul(D(m.L), m.R), Ops.Mul(m.L, D(m.R))));
            case Scale s: return Use(Rules.DScale, Ops.Add(Ops.Scale(D(s.Factor), s.A), Ops.Scale(s.Factor, D(s.A))));
            case Divide q:
                return Use(Rules.DQuotient, Ops.Sub(Ops.Div(D(q.Numerator), q.Denominator),
                    Ops.Div(Ops.Scale(D(q.Denominator), q.Numerator), new Power(q.Denominator, 2))));
            case Broadcast b: return Use(Rules.DBroadcast, Ops.Add(Ops.Zero(b.Shape), D(b.Value)));
            case Transpose t: return Use(Rules.DTranspose, Ops.T(D(t.A)));
            case Inverse i: return Use(Rules.DInverse, Ops.Neg(Ops.Mul(Ops.Mul(a, D(i.A)), a)));
            case Power { A: Norm { Kind: NormKind.Frobenius } n, Exponent: 2 }:
                return Use(Rules.DNormSquared, Ops.Scale(new Number(2), Ops.Frob(n.A, D(n.A))));
            case Power p when p.A.IsScalar:
                return Use(Rules.DPower, Ops.Scale(Ops.Scale(new Number(p.Exponent), ScalarPower(p.A, p.Exponent - 1)), D(p.A)));
            case Power p:
            {
                // d(Aᵏ) = Σ_{i<k} Aⁱ dA A^{k−1−i}: one summation term (dA A + A dA for a square).
                var k = PowerSums.Exponent(p);
                if (k >= PowerSums.SummationFrom) return Use(Rules.DPower, PowerSums.Make(p.A, D(p.A), k));
                var terms = Enumerable.Range(0, k).Select(i => Ops.Mul(Ops.Mul(MatrixPower(p.A, i), D(p.A)), MatrixPower(p.A, k - 1 - i)));
                return Use(Rules.DPower, Ops.Sum(terms, p.Shape));
            }
            case Hadamard h: return Use(Rules.DHadamard, Ops.Add(Ops.Had(D(h.L), h.R), Ops.Had(h.L, D(h.R))));
            case HadamardDiv h:
                return Use(Rules.DHadamardDiv, Ops.Sub(Ops.HadDiv(D(h.L), h.R), Ops.HadDiv(Ops.Had(h.L, D(h.R)), Ops.Had(h.R, h.R))));
            case HadamardPower hp:
                return Use(Rules.DHadamardPower, Ops.Had(Ops.Scale(new Number(hp.Exponent), HadamardPow(hp.A, hp.Exponent - 1)), D(hp.A)));
            case Frobenius f: return Use(Rules.DFrobenius, Ops.Add(Ops.Frob(D(f.L), f.R), Ops.Frob(f.L, D(f.R))));
            case Kron k: return Use(Rules.DKron, Ops.Add(KronOrZero(D(k.L), k.R), KronOrZero(k.L, D(k.R))));
            case Trace t: return Use(Rules.DTrace, Ops.Tr(D(t.A)));
            case Det d: return Use(Rules.DDet, Ops.Scale(a, Ops.Tr(Ops.Mul(Ops.Inv(d.A), D(d.A)))));
            case LogDet l: return Use(Rules.DLogDet, Ops.Tr(Ops.Mul(Ops.Inv(l.A), D(l.A))));
            case Elementwise e: return Use(Rules.DElementwise, e.Fn == ElementwiseFn.Sign ? Ops.Zero(e.Shape) : Ops.Had(Derivatives.Entrywise(e), D(e.A)));
            case SumAll s: return Use(Rules.DSumEntries, new SumAll(D(s.A)));
            case DiagMatrix dm: return Use(Rules.DDiag, new DiagMatrix(D(dm.A)));
            case DiagVector dv: return Use(Rules.DDiag, new DiagVector(D(dv.A)));
            case Vec v: return Use(Rules.DVec, new Vec(D(v.A)));
            case Norm { Kind: NormKind.Frobenius } n: return Use(Rules.DNorm, Ops.Div(Ops.Frob(n.A, D(n.A)), a));
            case Norm n: return Use(Rules.DNorm1, Ops.Frob(new Elementwise(ElementwiseFn.Sign, n.A), D(n.A)));
            case Softmax s: return Use(Rules.DSoftmax, Derivatives.Softmax(s, D(s.A)));
            // powersum(B, C, k) written in the function: linear in C (the differential of Bᵏ in the direction C).
            case PowerSum ps when !Contains(ps.Base): return Use(Rules.DPower, PowerSums.Make(ps.Base, D(ps.Inner), ps.K));
            case PowerSum:
                throw new UnsupportedConstructException("powersum(B, C, k) with B depending on the variable (a second-order term); write the power it is the differential of");
            case OpaqueCall c: return Use(Rules.DOpaque, new JacobianApply(c.Function, c.Arg, D(c.Arg), c.Shape));
            default:
                throw new UnsupportedConstructException($"no differential rule for {a.GetType().Name} ({a})");
        }
    }

    private static IEnumerable<(Expr Term, bool Negated)> Summands(Expr e)
    {
        var stack = new Stack<(Expr, bool)>();
        stack.Push((e, false));
        while (stack.Count > 0)
        {
            var (x, neg) = stack.Pop();
            switch (x)
            {
                case Add a:
                    stack.Push((a.R, neg));
                    stack.Push((a.L, neg));
                    break;
                default:
                    yield return (x, neg);
                    break;
            }
        }
    }

    private static Expr KronOrZero(Expr a, Expr b) => Ops.IsZero(a) || Ops.IsZero(b) ? Ops.Zero(new Kron(a, b).Shape) : new Kron(a, b);

    private static Expr ScalarPower(Expr a, double k) => k == 0 ? new Number(1) : k == 1 ? a : new Power(a, k);

    private static Expr MatrixPower(Expr a, int k) => k == 0 ? new Identity(a.Shape.Rows) : k == 1 ? a : new Power(a, k);

    private static Expr HadamardPow(Expr a, double p) => p == 0 ? new Ones(a.Shape) : p == 1 ? a : new HadamardPower(a, p);

}
