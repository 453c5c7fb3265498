using NotebookCalc.Semantics;
using NotebookCalc.Expressions;

namespace NotebookCalc.Rewriting;

/// <summary>Matrix products as one chain: A (B C) and (A B) C are both A B C, written left-associated (as textbooks do).</summary>
public static class ProductChains
{
    /// <summary>Every product chain in e re-associated to the left (A (diag(s) A) → A diag(s) A); the value is unchanged.</summary>
    public static Expr LeftAssociated(Expr e)
    {
        if (e.Children.Count == 0) return e;
        if (e is MatMul)
        {
            var factors = new List<Expr>();
            void Collect(Expr x)
            {
                if (x is MatMul m) { Collect(m.L); Collect(m.R); }
                else factors.Add(LeftAssociated(x));
            }
            Collect(e);
            return factors.Skip(1).Aggregate(factors[0], (acc, f) => new MatMul(acc, f));
        }
        var children = e.Children.Select(LeftAssociated).ToList();
        return children.Zip(e.Children).All(p => ReferenceEquals(p.First, p.Second)) ? e : e.With(children);
    }
}
