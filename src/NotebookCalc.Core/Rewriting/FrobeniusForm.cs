using NotebookCalc.Semantics;
using NotebookCalc.Differentiation;
using NotebookCalc.Expressions;
using NotebookCalc.Numerics;
using NotebookCalc.Rewriting;

namespace NotebookCalc.Rewriting;

/// <summary>
/// Moves everything off the variation in a scalar C : T that is linear in it (dX for the differential method, H for
/// the Gâteaux method) and returns the G with C : T = G : dX, using the Frobenius-product identities. With
/// <c>traceNames</c> the same identities are named as the trace identities a Gâteaux derivation quotes
/// (tr(AB) = tr(BA), tr(Aᵀ) = tr(A)).
/// </summary>
public sealed class FrobeniusForm(Symbol x, Func<Expr, bool> isTarget, bool traceNames)
{
    private readonly Symbol _x = x;
    private readonly Func<Expr, bool> _isTarget = isTarget;
    private readonly Dictionary<Expr, bool> _has = new(ReferenceEqualityComparer.Instance);

    public HashSet<string> Used { get; } = new(StringComparer.Ordinal);

    private bool Has(Expr e)
    {
        if (_has.TryGetValue(e, out var known)) return known;
        var result = _isTarget(e) || e.Children.Any(Has);
        _has[e] = result;
        return result;
    }

    private void Use(string name) => Used.Add(traceNames ? TraceName(name) : name);

    private static string TraceName(string name) => name switch
    {
        "frobenius_mul_left" or "frobenius_mul_right" => Rules.TraceCyclic.Name,
        "frobenius_transpose" => Rules.TraceTranspose.Name,
        _ => name,
    };


    /// <summary>The G with C : T = G : dX, for T linear in dX (C has the shape of T).</summary>
    public Expr Adjoint(Expr c, Expr t)
    {
        if (!Has(t)) return Ops.Zero(_x.Shape);
        Budget.Tick();
        switch (t)
        {
            case var leaf when _isTarget(leaf):
                return c;
            case Add a:
                return Ops.Add(Adjoint(c, a.L), Adjoint(c, a.R));
            case Neg n:
                return Adjoint(Ops.Neg(c), n.A);
            case Broadcast b:
                Use(Rules.FrobeniusBroadcast.Name);
                return Adjoint(c.IsScalar ? c : new SumAll(c), b.Value);
            case MatMul m when Has(m.R):
                Use(Rules.FrobeniusMulLeft.Name);
                return Adjoint(Ops.Mul(Ops.T(m.L), c), m.R);
            case MatMul m:
                Use(Rules.FrobeniusMulRight.Name);
                return Adjoint(Ops.Mul(c, Ops.T(m.R)), m.L);
            case Scale s when Has(s.A):
                Use(Rules.FrobeniusScalar.Name);
                return Adjoint(Ops.Scale(s.Factor, c), s.A);
            case Scale s:
                Use(Rules.FrobeniusScalar.Name);
                return Adjoint(Ops.Frob(c, s.A), s.Factor);
            case Divide q:
                Use(Rules.FrobeniusScalar.Name);
                return Adjoint(Ops.Div(c, q.Denominator), q.Numerator);
            case Transpose tr:
                Use(Rules.FrobeniusTranspose.Name);
                return Adjoint(Ops.T(c), tr.A);
            case Hadamard h when Has(h.R):
                Use(Rules.FrobeniusHadamard.Name);
                return Adjoint(Ops.Had(c, h.L), h.R);
            case Hadamard h:
                Use(Rules.FrobeniusHadamard.Name);
                return Adjoint(Ops.Had(c, h.R), h.L);
            case HadamardDiv hd when !Has(hd.R):
                Use(Rules.FrobeniusHadamardDiv.Name);
                return Adjoint(Ops.HadDiv(c, hd.R), hd.L);
            case Frobenius f when Has(f.R):
                Use(Rules.FrobeniusSymmetry.Name);
                return Adjoint(Ops.Scale(c, f.L), f.R);
            case Frobenius f:
                return Adjoint(Ops.Scale(c, f.R), f.L);
            case Trace tr:
                Use(Rules.TraceAsFrobenius.Name);
                return Adjoint(Ops.Scale(c, new Identity(tr.A.Shape.Rows)), tr.A);
            case SumAll s:
                Use(Rules.SumAsFrobenius.Name);
                return Adjoint(Ops.Scale(c, new Ones(s.A.Shape)), s.A);
            case DiagMatrix dm:
                Use(Rules.FrobeniusDiag.Name);
                return Adjoint(new DiagVector(c), dm.A);
            case DiagVector dv:
                Use(Rules.FrobeniusDiag.Name);
                return Adjoint(new DiagMatrix(c), dv.A);
            case Vec v:
                Use(Rules.FrobeniusVec.Name);
                return Adjoint(new Unvec(c, v.A.Shape), v.A);
            case Unvec u:
                Use(Rules.FrobeniusVec.Name);
                return Adjoint(new Vec(c), u.V);
            case JacobianApply j:
                Use(Rules.FrobeniusJacobian.Name);
                return Adjoint(new JacobianAdjoint(j.Function, j.Arg, c), j.Direction);
            case PowerSum ps when !Has(ps.Base):
            {
                Use(Rules.FrobeniusPowerSum.Name);
                var used = new HashSet<string>(StringComparer.Ordinal);
                var g = PowerSums.Adjoint(ps.Base, c, ps.K, used);
                foreach (var r in used) Use(r);
                return Adjoint(g, ps.Inner);
            }
            case Kron k when Has(k.L):
                Use(Rules.FrobeniusKron.Name);
                return Adjoint(new KronAdjoint(c, k.R, IsLeft: true, k.L.Shape), k.L);
            case Kron k:
                Use(Rules.FrobeniusKron.Name);
                return Adjoint(new KronAdjoint(c, k.L, IsLeft: false, k.R.Shape), k.R);
            default:
                throw new UnsupportedConstructException($"cannot move {t.GetType().Name} out of a Frobenius product");
        }
    }
}
