using System.Globalization;

namespace Ftp.Embedded.Load;

/// <summary>Human-readable output.</summary>
internal static class Report
{
    public static string Format(double? value)
    {
        if (value is not { } v)
        {
            return "-";
        }

        var a = Math.Abs(v);
        var format = a >= 1000 || (v == Math.Floor(v) && a < 1e15) ? "#,0" : a >= 100 ? "0.0" : a >= 1 ? "0.00" : "0.000";
        return v.ToString(format, CultureInfo.InvariantCulture);
    }

    public static void WriteTable(TextWriter w, string title, IReadOnlyList<TestResult> results)
    {
        w.WriteLine($"Results for {title}");
        var nameWidth = Math.Max(10, results.Select(r => r.Name.Length).DefaultIfEmpty(0).Max());
        w.WriteLine($"  {"figure".PadRight(nameWidth)}  {"value",12}  unit / note");
        foreach (var r in results)
        {
            var value = r.Status == "ok" ? Format(r.Value) : r.Status.ToUpperInvariant();
            var note = r.Status == "ok" ? r.Unit : r.Message;
            w.WriteLine($"  {r.Name.PadRight(nameWidth)}  {value,12}  {note}");
        }
    }
}
