using System.Diagnostics;

namespace Ftp.Embedded.Load;

/// <summary>
/// CPU and wall-clock accounting around the timed part of a test: Start, optionally Pause/Resume around untimed work,
/// then Stop. Keeps the client's, the server tree's and the whole machine's CPU seconds, so that a figure shows which
/// side limited it and how much else was running.
/// </summary>
internal sealed class Meter(int? serverPid)
{
    private readonly double[] _total = new double[4]; // wall, client, machine, server
    private double[]? _segment;
    private bool _serverSeen = serverPid is not null;

    public double WallSeconds => _total[0];

    public double ServerCpuSeconds => _total[3];

    public bool HasServer => _serverSeen;

    public Dictionary<string, object?> Detail { get; } = [];

    public void Start()
    {
        Array.Clear(_total);
        Resume();
    }

    public void Resume() => _segment = Now();

    public void Pause()
    {
        if (_segment is null)
        {
            return;
        }

        // read in the reverse order of Now() so that the segment is bracketed tightly
        var server = ServerCpu();
        var machine = ProcStats.MachineBusySeconds();
        var client = ProcStats.SelfCpuSeconds();
        var wall = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        double[] now = [wall, client, machine, server];
        for (var i = 0; i < 4; i++)
        {
            _total[i] += now[i] - _segment[i];
        }

        _segment = null;
    }

    /// <summary>Ends the measurement; <paramref name="wall"/> overrides the elapsed time used for the percentages.</summary>
    public Dictionary<string, object?> Stop(double? wall = null)
    {
        Pause();
        var w = wall ?? _total[0];
        Detail["wall_s"] = Math.Round(w, 4);
        Detail["client_cpu_s"] = Math.Round(_total[1], 3);
        Detail["machine_busy_cpu_s"] = Math.Round(_total[2], 3);
        if (_serverSeen)
        {
            Detail["server_cpu_s"] = Math.Round(_total[3], 3);
            Detail["other_cpu_s"] = Math.Round(Math.Max(0, _total[2] - _total[1] - _total[3]), 3);
        }

        if (w > 0)
        {
            Detail["client_cpu_pct"] = Math.Round(100 * _total[1] / w, 1);
            if (_serverSeen)
            {
                Detail["server_cpu_pct"] = Math.Round(100 * _total[3] / w, 1);
            }
        }

        return Detail;
    }

    private double[] Now()
        => [Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency, ProcStats.SelfCpuSeconds(), ProcStats.MachineBusySeconds(), ServerCpu()];

    private double ServerCpu()
    {
        if (serverPid is not { } pid)
        {
            return 0;
        }

        var s = ProcStats.TreeCpuSeconds(pid);
        if (s is null)
        {
            _serverSeen = false;
        }

        return s ?? 0;
    }
}
