using System.Globalization;

namespace Ftp.Embedded.Load;

/// <summary>Memory of a process tree: sums over its processes, in bytes.</summary>
internal readonly record struct TreeMemory(long RssBytes, long PssBytes, int Processes);

/// <summary>Readings from /proc: a server's process tree (CPU, memory), this process, the whole machine.</summary>
internal static class ProcStats
{
    private static readonly double TicksPerSecond = ReadClockTicks();

    /// <summary><paramref name="root"/> and all its descendants (by parent PID), from one scan of /proc.</summary>
    public static List<int> ProcessTree(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            var fields = StatFields(pid);
            if (fields is null || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
            {
                continue;
            }

            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(pid);
        }

        var result = new List<int>();
        var seen = new HashSet<int>();
        var todo = new Stack<int>();
        todo.Push(root);
        while (todo.Count > 0 && result.Count < 1_000_000)
        {
            var pid = todo.Pop();
            if (!seen.Add(pid))
            {
                continue;
            }

            result.Add(pid);
            if (children.TryGetValue(pid, out var kids))
            {
                kids.ForEach(todo.Push);
            }
        }

        return result;
    }

    /// <summary>
    /// CPU seconds of the tree: utime + stime of every process, plus cutime + cstime (children it has reaped), so that
    /// the sessions of a forking server that ended during a test still count. Null when <paramref name="root"/> is gone.
    /// </summary>
    public static double? TreeCpuSeconds(int root)
    {
        if (!Directory.Exists($"/proc/{root}"))
        {
            return null;
        }

        long ticks = 0;
        foreach (var pid in ProcessTree(root))
        {
            var f = StatFields(pid);
            if (f is not null)
            {
                ticks += Field(f, 11) + Field(f, 12) + Field(f, 13) + Field(f, 14);
            }
        }

        return ticks / TicksPerSecond;
    }

    /// <summary>Sum of VmRSS (/proc/PID/status) and of Pss (/proc/PID/smaps_rollup) over the tree.</summary>
    public static TreeMemory? TreeMemoryBytes(int root)
    {
        if (!Directory.Exists($"/proc/{root}"))
        {
            return null;
        }

        long rss = 0, pss = 0;
        var pids = ProcessTree(root);
        foreach (var pid in pids)
        {
            rss += KiBLine($"/proc/{pid}/status", "VmRSS:") * 1024;
            pss += KiBLine($"/proc/{pid}/smaps_rollup", "Pss:") * 1024;
        }

        return new TreeMemory(rss, pss, pids.Count);
    }

    /// <summary>CPU seconds this process has used (user + system, reaped children included).</summary>
    public static double SelfCpuSeconds()
    {
        var f = StatFields(Environment.ProcessId);
        return f is null ? 0 : (Field(f, 11) + Field(f, 12) + Field(f, 13) + Field(f, 14)) / TicksPerSecond;
    }

    /// <summary>Busy CPU seconds of the whole machine (all cores; everything but idle and iowait) from /proc/stat.</summary>
    public static double MachineBusySeconds()
    {
        using var reader = new StreamReader("/proc/stat");
        var parts = (reader.ReadLine() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long total = 0, idle = 0;
        for (var i = 1; i < parts.Length && i <= 8; i++)
        {
            var v = long.Parse(parts[i], CultureInfo.InvariantCulture);
            total += v;
            if (i is 4 or 5)
            {
                idle += v;
            }
        }

        return (total - idle) / TicksPerSecond;
    }

    /// <summary>
    /// Tasks (processes and threads) on the machine now, from /proc/loadavg, and the most there can be (the smaller of
    /// kernel.pid_max and kernel.threads-max): a forking server must not take the whole process table.
    /// </summary>
    public static (long Tasks, long Limit) MachineTasks()
    {
        var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var tasks = fields.Length > 3 && long.TryParse(fields[3].Split('/')[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : 0;
        long Read(string path) => long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : long.MaxValue;
        return (tasks, Math.Min(Read("/proc/sys/kernel/pid_max"), Read("/proc/sys/kernel/threads-max")));
    }

    /// <summary>MemAvailable of /proc/meminfo in bytes.</summary>
    public static long MemAvailableBytes() => KiBLine("/proc/meminfo", "MemAvailable:") * 1024;

    /// <summary>The soft limit on open files of this process, from /proc/self/limits (long.MaxValue if unlimited).</summary>
    public static long OpenFilesLimit()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : long.MaxValue;
            }
        }

        return long.MaxValue;
    }

    public static string[] LoadAverage()
        => File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries)[..3];

    /// <summary>The fields of /proc/PID/stat after "pid (comm) ": [0] state, [1] ppid, [11] utime, ... [14] cstime.</summary>
    private static string[]? StatFields(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var close = text.LastIndexOf(')');
        return close < 0 || close + 2 >= text.Length ? null : text[(close + 2)..].Split(' ');
    }

    private static long Field(string[] fields, int index)
        => index < fields.Length && long.TryParse(fields[index], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static long KiBLine(string path, string key)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    var parts = line[key.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                    return parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib) ? kib : 0;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // the process ended while we read it
        }

        return 0;
    }

    private static double ReadClockTicks()
    {
        // USER_HZ is 100 on every Linux architecture .NET runs on (sysconf(_SC_CLK_TCK)).
        return 100.0;
    }
}
