using System.Globalization;

namespace NotebookCalc.Text;

/// <summary>Numbers as messages show them: invariant culture, never "-0", ∞ rather than "Infinity", 3e-11 rather than 3E-11.</summary>
public static class Numbers
{
    public static string Show(double v, string format = "G4")
    {
        if (double.IsNaN(v)) return "undefined";
        if (double.IsPositiveInfinity(v)) return "∞";
        if (double.IsNegativeInfinity(v)) return "−∞";
        var s = v.ToString(format, CultureInfo.InvariantCulture);
        // A value that rounds to zero is 0, whatever its sign; exponents are written 3e-11.
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var shown) && shown == 0) return "0";
        var e = s.IndexOfAny(['E', 'e']);
        if (e < 0) return s;
        var exponent = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return $"{s[..e]}e{exponent.ToString(CultureInfo.InvariantCulture)}";
    }
}
