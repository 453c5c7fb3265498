using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace NotebookCalc.Rendering;

/// <summary>Plain-text matrices with aligned columns, for the CLI and text/plain output.</summary>
public static class MatrixText
{
    public static string Format(Matrix<double> m, int digits = 6)
    {
        if (m.RowCount == 1 && m.ColumnCount == 1) return Number(m[0, 0], digits);
        var cells = new string[m.RowCount, m.ColumnCount];
        var widths = new int[m.ColumnCount];
        for (var i = 0; i < m.RowCount; i++)
            for (var j = 0; j < m.ColumnCount; j++)
            {
                cells[i, j] = Number(m[i, j], digits);
                widths[j] = Math.Max(widths[j], cells[i, j].Length);
            }
        var sb = new StringBuilder();
        for (var i = 0; i < m.RowCount; i++)
        {
            sb.Append(m.RowCount == 1 ? '[' : i == 0 ? '⎡' : i == m.RowCount - 1 ? '⎣' : '⎢');
            for (var j = 0; j < m.ColumnCount; j++)
                sb.Append(' ').Append(cells[i, j].PadLeft(widths[j]));
            sb.Append(' ').Append(m.RowCount == 1 ? ']' : i == 0 ? '⎤' : i == m.RowCount - 1 ? '⎦' : '⎥');
            if (i < m.RowCount - 1) sb.Append('\n');
        }
        return sb.ToString();
    }

    public static string Number(double v, int digits = 6)
    {
        if (v == 0) return "0";
        var s = v.ToString("G" + digits, CultureInfo.InvariantCulture);
        return s;
    }
}
