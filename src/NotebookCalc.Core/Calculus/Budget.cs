using System.Diagnostics;
using NotebookCalc.Semantics;

namespace NotebookCalc.Calculus;

/// <summary>Raised when a method cannot handle a construct; the message says which and why.</summary>
public class UnsupportedConstructException(string message) : Exception(message);

/// <summary>A derivation that would exceed one of its budgets; the method reports itself not applicable with this message.</summary>
public sealed class BudgetExceededException(string message) : UnsupportedConstructException(message);

/// <summary>
/// The limits every derivation works within, so that no short input runs for minutes or fills memory: the terms one
/// step may have, the size of any expression it writes, the text it prints, and its time. A method that exceeds one
/// stops with <see cref="BudgetExceededException"/> (it is then not applicable to that input; the others still answer).
/// The deadline is per method and per thread (<see cref="Start"/>), checked by <see cref="Tick"/> in the methods' loops.
/// </summary>
public static class Budget
{
    /// <summary>Index terms (sums of products of entries) one step of the index method may write, counting each entry.</summary>
    public const int MaxIndexEntries = 4_096;

    /// <summary>Nodes of the expression any step writes.</summary>
    public const int MaxNodes = 20_000;

    /// <summary>Characters of text one derivation prints (all its steps).</summary>
    public const int MaxOutputChars = 200_000;

    /// <summary>Wall time of one method's derivation (a safety net: every input of issue 12 takes well under a second).</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(2);

    /// <summary>The hint every budget diagnostic gives.</summary>
    public const string Hint = "Write repeated factors as a power (X^k rather than X X … X), split the function into smaller parts, or differentiate a lower power.";

    private static readonly AsyncLocal<Stopwatch?> Clock = new();

    /// <summary>Starts the clock of one derivation; disposing stops it.</summary>
    public static IDisposable Start()
    {
        var previous = Clock.Value;
        Clock.Value = Stopwatch.StartNew();
        return new Scope(previous);
    }

    private sealed class Scope(Stopwatch? previous) : IDisposable
    {
        public void Dispose() => Clock.Value = previous;
    }

    /// <summary>Throws when the current derivation has used up its time.</summary>
    public static void Tick()
    {
        if (Clock.Value is { } c && c.Elapsed > TimeLimit)
            throw new BudgetExceededException(
                $"the derivation exceeds its time budget of {TimeLimit.TotalSeconds:0} s and was stopped");
    }

    /// <summary>Throws when e has more than <see cref="MaxNodes"/> nodes (counted up to the limit, never further).</summary>
    public static Expr CheckSize(Expr e, string what)
    {
        var count = 0;
        foreach (var _ in e.DescendantsAndSelf())
            if (++count > MaxNodes)
                throw new BudgetExceededException($"{what} would exceed its budget of {MaxNodes:N0} nodes");
        return e;
    }
}
