using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ftp.Embedded.Load;

/// <summary>
/// "compare": a Markdown table of the figures of several runs (the first is the subject, the rest its peers), the
/// best peer per figure and the subject's ratio to it, plus a data file of those ratios for a chart.
/// </summary>
internal static class Compare
{
    private sealed record Result(string Name, Dictionary<string, JsonElement> Results, string? Tls = null);

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        string? outPath = null, chartPath = null;
        var runs = new List<Result>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Count:
                    outPath = args[++i];
                    break;
                case "--chart-data" when i + 1 < args.Count:
                    chartPath = args[++i];
                    break;
                default:
                    var eq = args[i].IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        error.WriteLine($"compare: expected NAME=RESULT.json, got '{args[i]}'");
                        return 2;
                    }

                    var name = args[i][..eq];
                    var path = args[i][(eq + 1)..];
                    if (!File.Exists(path))
                    {
                        error.WriteLine($"compare: {name}: no result file {path}: shown as not run");
                        runs.Add(new Result(name, []));
                        continue;
                    }

                    using (var doc = JsonDocument.Parse(File.ReadAllText(path)))
                    {
                        var root = doc.RootElement.Clone();
                        var results = root.GetProperty("results").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                        string? tls = null;
                        if (root.TryGetProperty("meta", out var meta) && meta.TryGetProperty("tls", out var t) && t.ValueKind == JsonValueKind.Object)
                        {
                            tls = $"{t.GetProperty("protocol").GetString()}, {t.GetProperty("cipher_suite").GetString()}";
                            if (t.TryGetProperty("data_protocol", out var dp) && t.TryGetProperty("data_cipher_suite", out var dc))
                            {
                                tls += $" (data connections: {dp.GetString()}, {dc.GetString()})";
                            }
                        }

                        runs.Add(new Result(name, results, tls));
                    }

                    break;
            }
        }

        if (runs.Count == 0)
        {
            error.WriteLine("usage: Ftp.Embedded.Load compare --out FILE.md [--chart-data FILE.dat] SUBJECT=RESULT.json [PEER=RESULT.json ...]");
            return 2;
        }

        var (markdown, chart) = Build(runs);
        if (outPath is null)
        {
            output.Write(markdown);
        }
        else
        {
            File.WriteAllText(outPath, markdown);
        }

        if (chartPath is not null)
        {
            File.WriteAllText(chartPath, chart);
        }

        return 0;
    }

    private static (string Markdown, string Chart) Build(List<Result> runs)
    {
        var subject = runs[0];
        var peers = runs.Skip(1).ToList();
        var md = new StringBuilder();
        var chart = new StringBuilder("# figure advantage (best peer vs subject, >1 = subject better)\n");
        var notes = new List<string>();
        md.Append("| figure | better | ").AppendJoin(" | ", runs.Select(r => r.Name))
          .Append(" | best peer | ").Append(subject.Name).Append(" ÷ best peer | ").Append(subject.Name).Append(" advantage |\n");
        md.Append("|---|---|").Append(string.Concat(runs.Select(_ => "---:|"))).Append("---|---:|---:|\n");
        foreach (var (name, unit, better, _) in Figures.All)
        {
            if (runs.TrueForAll(r => !r.Results.ContainsKey(name)))
            {
                continue;
            }

            md.Append(CultureInfo.InvariantCulture, $"| `{name}` ({unit}) | {(better == Better.Higher ? "higher" : "lower")} |");
            foreach (var r in runs)
            {
                md.Append(' ').Append(Cell(r, name, notes)).Append(" |");
            }

            var mine = Value(subject, name);
            var best = peers.Select(p => (Peer: p, Value: Value(p, name)))
                .Where(p => p.Value is not null && (better == Better.Higher || p.Value > 0))
                .OrderBy(p => better == Better.Higher ? -p.Value!.Value : p.Value!.Value)
                .FirstOrDefault();
            if (best.Peer is null)
            {
                md.Append(" – | – | – |\n");
                continue;
            }

            md.Append(' ').Append(best.Peer.Name).Append(" |");
            if (mine is { } v && best.Value is { } b && v > 0 && b > 0)
            {
                var ratio = v / b;
                var advantage = better == Better.Higher ? ratio : 1 / ratio;
                md.Append(CultureInfo.InvariantCulture, $" {ratio:0.00} | {Times(advantage)} |\n");
                chart.Append(CultureInfo.InvariantCulture, $"{name} {advantage:0.####}\n");
            }
            else
            {
                md.Append(" – | – |\n");
            }
        }

        md.Append('\n').Append(CultureInfo.InvariantCulture, $"Ratio: {subject.Name}'s figure divided by the best peer's. Advantage: that ratio turned so that more than 1 means {subject.Name} is better (the ratio itself where higher is better, its inverse where lower is better).\n");
        if (runs.Exists(r => r.Tls is not null))
        {
            md.Append("\nFTPS negotiated on the control connection (protocol, cipher suite; the load tool offers TLS 1.2 and 1.3): ")
              .AppendJoin("; ", runs.Select(r => $"{r.Name} {r.Tls ?? "–"}")).Append(".\n");
        }

        if (notes.Count > 0)
        {
            md.Append("\nNotes:\n\n");
            foreach (var note in notes)
            {
                md.Append("- ").Append(note).Append('\n');
            }
        }

        return (md.ToString(), chart.ToString());
    }

    private static string Times(double advantage)
        => advantage >= 1
            ? advantage.ToString(advantage >= 10 ? "0" : "0.00", CultureInfo.InvariantCulture) + "×"
            : advantage.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    private static double? Value(Result r, string name)
        => r.Results.TryGetValue(name, out var e) && e.GetProperty("status").GetString() == "ok" && e.GetProperty("value").ValueKind == JsonValueKind.Number
            ? e.GetProperty("value").GetDouble()
            : null;

    private static string Cell(Result r, string name, List<string> notes)
    {
        if (!r.Results.TryGetValue(name, out var e))
        {
            return "not run";
        }

        var status = e.GetProperty("status").GetString();
        if (status != "ok")
        {
            var message = e.TryGetProperty("message", out var m) ? m.GetString() : "";
            notes.Add($"{r.Name}, `{name}`: {status}: {message}");
            return status ?? "?";
        }

        var unit = e.GetProperty("unit").GetString() ?? "";
        var paren = unit.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0)
        {
            var note = unit[(paren + 1)..].Trim();
            notes.Add($"{r.Name}, `{name}`: {(note.EndsWith(')') ? note[..^1] : note)}");
        }

        var text = Report.Format(e.GetProperty("value").GetDouble());
        if (name == "idle_sessions" && e.TryGetProperty("detail", out var d) && d.TryGetProperty("requested", out var asked)
            && asked.GetInt32() > e.GetProperty("value").GetDouble())
        {
            text += " of " + asked.GetInt32().ToString("#,0", CultureInfo.InvariantCulture);
        }

        return paren >= 0 ? text + " *" : text;
    }
}
