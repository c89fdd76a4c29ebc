using System.Globalization;
using System.Text;

namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>How a hostile connection ends after its writes.</summary>
public enum HostileEnding
{
    /// <summary>Send a unique unknown verb and wait for its 500 (or for the server to close for a stated reason).</summary>
    Sentinel,

    /// <summary>Send QUIT and wait for the server to close.</summary>
    Quit,

    /// <summary>Shut down the sending side at once (half-close) and wait for the server to close.</summary>
    HalfClose,

    /// <summary>Reset the connection at once (linger 0, then close): the server sees ECONNRESET.</summary>
    Reset,

    /// <summary>Close gracefully at once without reading anything.</summary>
    Close,
}

/// <summary>One write on the control connection. <see cref="Urgent"/> sends it as TCP urgent data (the Telnet Synch of ABOR).</summary>
public sealed record HostileWrite(byte[] Bytes, bool Urgent = false, int PauseMilliseconds = 0);

/// <summary>
/// One malformed command sequence, sent over one fresh control connection. <see cref="ExpectedRefusals"/>, when set, is
/// the number of commands that must each get 530 (commands that need a login, sent before it) and nothing else.
/// </summary>
public sealed record HostileCase(int Id, string Kind, IReadOnlyList<HostileWrite> Writes, HostileEnding Ending, int? ExpectedRefusals = null)
{
    /// <summary>The sentinel verb of this case: unknown to the server, at most 8 characters, so it comes back in the 500 reply.</summary>
    public string SentinelVerb => $"ZQ{Id % 1_000_000:D6}";

    /// <summary>The longest line of all the writes, in bytes, line end included (a line left open counts as ended).</summary>
    public int LongestLine
    {
        get
        {
            int longest = 0, current = 0;
            foreach (var b in Writes.SelectMany(w => w.Bytes))
            {
                current++;
                if (b == (byte)'\n')
                {
                    longest = Math.Max(longest, current);
                    current = 0;
                }
            }

            return Math.Max(longest, current + 2);
        }
    }

    /// <summary>
    /// Whether the input holds something after which the server ends the session on its own: QUIT, AUTH (followed by
    /// bytes that are no TLS handshake), as many PASS as the failed-login limit, or a line over the length limit.
    /// </summary>
    public bool MayEndSession(int maxLineLength, int maxFailedLogins)
    {
        var text = Encoding.Latin1.GetString([.. Writes.SelectMany(w => w.Bytes)]);
        var lines = text.Split('\n');
        return LongestLine > maxLineLength
               || lines.Any(l => l.StartsWith("QUIT", StringComparison.OrdinalIgnoreCase) || l.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase))
               || lines.Count(l => l.StartsWith("PASS", StringComparison.OrdinalIgnoreCase)) >= maxFailedLogins;
    }

    /// <summary>The writes, escaped and cut short, for a failure message.</summary>
    public string Describe(int max = 600)
    {
        var builder = new StringBuilder();
        foreach (var write in Writes)
        {
            builder.Append(write.Urgent ? "<urgent>" : "").Append(Escape(write.Bytes, max - builder.Length)).Append(write.PauseMilliseconds > 0 ? $"<pause {write.PauseMilliseconds}ms>" : "").Append(" | ");
            if (builder.Length >= max)
            {
                builder.Append("...");
                break;
            }
        }

        return $"case {Id} ({Kind}, ending {Ending}): {builder}";
    }

    public static string Escape(byte[] bytes, int max)
    {
        var builder = new StringBuilder();
        foreach (var b in bytes)
        {
            if (builder.Length >= Math.Max(16, max))
            {
                builder.Append(CultureInfo.InvariantCulture, $"...({bytes.Length} bytes)");
                break;
            }

            builder.Append(b is >= 0x20 and < 0x7F and not (byte)'\\' ? ((char)b).ToString() : string.Create(CultureInfo.InvariantCulture, $"\\x{b:X2}"));
        }

        return builder.ToString();
    }
}

/// <summary>
/// Makes hostile control-connection input from a seed: binary garbage, NULs, bare CR and LF, Telnet IAC floods, lines
/// around the length limit, invalid UTF-8 and Unicode edge cases, pipelined commands, commands before login, absurd
/// PORT/EPRT and REST values, junk for MLST and OPTS, AUTH followed by garbage, and transfers cut in every way. The
/// same seed gives the same cases.
/// </summary>
public sealed class HostileInputs
{
    /// <summary>Verbs the server answers with 530 before login.</summary>
    public static readonly string[] NeedsLogin =
    [
        "ALLO", "TYPE", "MODE", "STRU", "ABOR", "PWD", "XPWD", "CWD", "XCWD", "CDUP", "XCUP", "MKD", "XMKD", "RMD", "XRMD", "DELE",
        "RNFR", "RNTO", "SIZE", "MDTM", "MFMT", "PASV", "EPSV", "PORT", "EPRT", "REST", "RETR", "STOR", "STOU", "APPE", "LIST", "NLST",
        "MLSD", "MLST",
    ];

    private static readonly string[] AllVerbs =
    [
        .. NeedsLogin, "USER", "PASS", "ACCT", "REIN", "QUIT", "HOST", "AUTH", "PBSZ", "PROT", "CCC", "NOOP", "SYST", "FEAT", "OPTS", "HELP",
        "STAT", "CLNT", "SITE", "SMNT", "XCRC", "XSHA256", "LANG", "AVBL", "ADAT", "MIC", "CONF", "ENC", "THMB", "SPSV", "HASH",
    ];

    private static readonly string[] UnicodeNames =
    [
        "\uFEFFbom.txt", "\u202Egnp.exe", "rtl\u200Fmark", "\u061Carabic-mark", "e\u0301\u0301\u0301\u0301\u0301", "\u0301leading-combining",
        "z" + new string('\u0336', 200), "\uFFFF", "\uFFFE", "\U0010FFFF", "\U0001F469\u200D\U0001F469\u200D\U0001F467", "line\u2028sep", "nel\u0085",
        "nb\u00A0sp", "\uFF21\uFF22", "\u1100\u1161\u11A8", "\uD55C\uAE00", "soft\u00ADhyphen", "wj\u2060", "\U000E0001tag", "..\u2215..\u2215etc",
        "\uFF0Ffullwidth-slash", "\u2024\u2024", "con", "nul", "aux.txt", ".", "..", "...", " ", "  leading", "trailing  ", new string('x', 255),
        "quote\"d", "\"\"", "back`tick", "semi;colon", "pipe|name", "star*", "q?mark", "%2e%2e", "~", "~root", "-rf", "--", "$HOME",
        "\u00E9t\u00E9", "\u0130I\u0131i", "\u00DF", "\u03A3\u03C3\u03C2", "\u2126", "\u212B", "\u0000nul", "tab\tname", "bell\u0007", "esc\u001B[31m",
        "\u007Fdel", "\u0080c1", "\uE000private", "\U000F0000plane15",
    ];

    // Byte sequences that are not UTF-8: overlong forms, encoded surrogates, beyond U+10FFFF, stray and cut sequences.
    private static readonly byte[][] InvalidUtf8 =
    [
        [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80],
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80],
        [0x80], [0xBF], [0xC2], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xFE], [0xFF, 0xFF], [0xEF, 0xBF], [0xC3, 0x28], [0xE2, 0x28, 0xA1],
    ];

    private static readonly string[] Numbers =
    [
        "-1", "0", "1", "-0", "+5", " 7 ", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616",
        "99999999999999999999999999999999999999", "1e10", "0x10", "1.5", "1,000", "\u0663", "\uFF11\uFF12", "NaN", "Infinity", "", "  ",
        "007", "4294967296", "2147483648", "-2147483649", "1_000", "\u00A0" + "5",
    ];

    private static readonly string[] PortArguments =
    [
        "999,999,999,999,999,999", "1,2,3", "1,2,3,4,5,6,7", "-1,0,0,1,0,0", "127,0,0,1,0,0", "127,0,0,1,255,255", "127,0,0,1,4,0",
        "10,0,0,1,200,10", "127,0,0,1,1,1", "0,0,0,0,0,0", "255,255,255,255,255,255", "127,0,0,1,,", ",,,,,", "127.0.0.1,200,10",
        "127,0,0,1,256,0", "127,0,0,1,1e2,0", "127 ,0 ,0 ,1 ,200 ,10", " 127,0,0,1,200,10", "127,0,0,1,+200,10", "1,1,1,1,1,1,1,1,1,1",
        "127,0,0,1,255,255,", "\uFF11\uFF12\uFF17,0,0,1,200,10", "224,0,0,1,200,10", "127,0,0,1,00000000000000000004,0", "",
    ];

    private static readonly string[] EprtArguments =
    [
        "|1|127.0.0.1|0|", "|2|::1|65536|", "|3|x|1|", "||||", "|1|999.1.1.1|2121|", "|1|127.0.0.1|99999999999999999999|",
        "|1|127.0.0.1|-5|", "|2|127.0.0.1|2121|", "|1|::1|2121|", "|1|127.0.0.1|2121", "1|127.0.0.1|2121|", "\u00E9\u00E91\u00E9127.0.0.1\u00E92121\u00E9",
        "|1|127.0.0.1|65535|", "!1!127.0.0.1!65535!", "|1|10.1.2.3|2121|", "|2|fe80::1%99999999999|2121|", "|2|::ffff:127.0.0.1|65535|",
        "|1|127.0.0.1|1|", "|1|localhost|2121|", "|0|127.0.0.1|2121|", "|99999999999|127.0.0.1|2121|", "|1| 127.0.0.1 | 2121 |",
        " |1|127.0.0.1|65535| ", "|1|127.0.0.1|65535||", "\u007F1\u007F127.0.0.1\u007F2121\u007F", "", "|",
    ];

    private static readonly string[] OptsArguments =
    [
        "", " ", "UTF8", "UTF8 ON", "UTF8 OFF", "UTF8 MAYBE", "utf-8 on", "MLST", "MLST ;;;;", "MLST type;size;modify;perm;unique;UNIX.mode;xyz;",
        "MLST " + string.Concat(Enumerable.Repeat("type;", 600)), "MLST TYPE;SIZE", "MLST \u202Etype;", "MLST ;", "XYZ", "MODE Z", "\u0000",
        "UTF8\u0000ON", "MLST type;size;modify;perm;unique;UNIX.mode;UNIX.uid;UNIX.gid;UNIX.owner;UNIX.group;create;lang;media-type;charset;",
        "MLST " + new string(';', 3000),
    ];

    private static readonly string[] Paths =
    [
        "file.bin", "dir", "dir/sub", "/", "//", "./././", "../../../etc/passwd", "..", "../..", "/home/alice", "/pub", "*", "-la", "-R /", "-",
        "a/b/c/d/e", "dir/../dir/./sub//", "nonexistent", "dir/file.bin", "file.bin/x", "/..", "\\windows", "C:\\", "%2e%2e/", "~",
    ];

    private readonly int _seed;
    private readonly int _maxLineLength;
    private readonly int _maxPathLength;
    private readonly int _controlPort;

    public HostileInputs(int seed, int maxLineLength, int maxPathLength, int controlPort)
    {
        _seed = seed;
        _maxLineLength = maxLineLength;
        _maxPathLength = maxPathLength;
        _controlPort = controlPort;
    }

    /// <summary>The hand-written cases first (each edge once), then random ones up to <paramref name="count"/>.</summary>
    public IReadOnlyList<HostileCase> Generate(int count)
    {
        var random = new Random(_seed);
        var cases = new List<HostileCase>();
        foreach (var (kind, writes, ending, refusals) in FixedCases())
        {
            cases.Add(new HostileCase(cases.Count, kind, writes, ending, refusals));
        }

        while (cases.Count < count)
        {
            cases.Add(RandomCase(random, cases.Count));
        }

        return cases;
    }

    private IEnumerable<(string Kind, List<HostileWrite> Writes, HostileEnding Ending, int? Refusals)> FixedCases()
    {
        var max = _maxLineLength;
        // Lines just under, at and over the limit (CRLF included), with a one-byte and a multi-byte filler.
        foreach (var length in new[] { max - 2, max - 1, max, max + 1, max + 2, 2 * max, 16 * max })
        {
            foreach (var filler in new[] { "A", "\u00E9", "\u20AC", "\U0001F600" })
            {
                foreach (var verb in new[] { "NOOP ", "USER ", "XQZ ", "" })
                {
                    yield return ("line-length", [W(Exact(verb, filler, length, "\r\n"))], HostileEnding.Sentinel, null);
                }
            }

            yield return ("line-length", [W(Exact("NOOP ", "A", length, "\n"))], HostileEnding.Sentinel, null);
            yield return ("line-length", [W(Login("alice")), W(Exact("MKD ", "a", length, "\r\n"))], HostileEnding.Sentinel, null);
            // The line arrives in many small pieces.
            var pieces = Exact("CWD ", "b", length, "\r\n").Chunk(997).Select(p => new HostileWrite(p)).ToList();
            yield return ("line-length", pieces, HostileEnding.Sentinel, null);
        }

        // Telnet IAC floods: each IAC IP IAC DM pair counts against the line limit.
        foreach (var pairs in new[] { 1, 10, 500, (max - 6) / 4, ((max - 6) / 4) + 1, 2000 })
        {
            yield return ("iac-flood", [W(Repeat([0xFF, 0xF4, 0xFF, 0xF2], pairs), B("ABOR\r\n"))], HostileEnding.Sentinel, null);
        }

        yield return ("iac", [W(B("N"), [0xFF, 0xF4], B("O"), [0xFF, 0xF2], B("OP\r\n"))], HostileEnding.Sentinel, null);
        yield return ("iac", [W(B("NOOP"), [0xFF], B("\r\n"))], HostileEnding.Sentinel, null);
        yield return ("iac", [W(B("NOOP"), [0xFF, 0xFB], B("\r\n"))], HostileEnding.Sentinel, null);
        yield return ("iac", [W(B("NOOP"), [0xFF, 0xFD, 0x01, 0xFF, 0xFC, 0x03, 0xFF, 0xFE], B("\r\n"))], HostileEnding.Sentinel, null);
        yield return ("iac", [W(B("USER "), [0xFF, 0xFF], B("\r\n"))], HostileEnding.Sentinel, null);
        yield return ("iac", [W([0xFF, 0xF0, 0xFF, 0xF1, 0xFF, 0xF3, 0xFF, 0xF5, 0xFF, 0xF6, 0xFF, 0xF7, 0xFF, 0xF8, 0xFF, 0xF9, 0xFF, 0xFA], B("PWD\r\n"))], HostileEnding.Sentinel, null);
        yield return ("iac", [W([0xFF])], HostileEnding.HalfClose, null);
        yield return ("iac", [W([0xFF, 0xFB])], HostileEnding.Reset, null);

        // NULs and bare line ends.
        foreach (var text in new[]
                 {
                     "\0", "\0\0\0\0\r\n", "NOOP\0\r\n", "\0NOOP\r\n", "NO\0OP\r\n", "USER \0\r\n", "USER alice\0\r\nPASS secret\0\r\n",
                     "NOOP\rNOOP\r\n", "NOOP\n", "NOOP\n\n\n", "\r\r\r\r\n", "\r", "\n", "USER alice\rPASS secret\r\n", "NOOP\r\r\n",
                     "\n\r\n\r", "NOOP\r\0\n", "USER alice\nPASS secret\nPWD\nCWD ..\nPWD\n", "\r\n\r\n\r\n", " NOOP\r\n", "NOOP \r\n",
                     "\tNOOP\r\n", "NOOP\t\r\n", "noop\r\n", "nOoP\r\n", "USER\r\n", "USER \r\n", "PASS\r\n", "USER alice\r\nPASS\r\n",
                 })
        {
            yield return ("nul-and-line-ends", [W(B(text))], HostileEnding.Sentinel, null);
        }

        // Invalid UTF-8 in the verb, in the argument, and at the end of a line.
        foreach (var bad in InvalidUtf8)
        {
            yield return ("invalid-utf8", [W(B("USER "), bad, B("\r\n"))], HostileEnding.Sentinel, null);
            yield return ("invalid-utf8", [W(bad, B("NOOP\r\n"))], HostileEnding.Sentinel, null);
            yield return ("invalid-utf8", [W(Login("alice")), W(B("MKD x"), bad, B("y\r\nCWD "), bad, B("\r\nPWD\r\n"))], HostileEnding.Sentinel, null);
        }

        // Unicode edge cases in names, through every command that takes a path.
        foreach (var name in UnicodeNames)
        {
            yield return ("unicode-names", NameTour(name, extended: name.Length % 2 == 0), HostileEnding.Sentinel, null);
        }

        yield return ("unicode", [W([0xEF, 0xBB, 0xBF], B("USER alice\r\n"), [0xEF, 0xBB, 0xBF], B("PASS secret\r\nPWD\r\n"))], HostileEnding.Sentinel, null);

        // Commands that need a login, before it: every one gets 530.
        foreach (var chunk in NeedsLogin.Chunk(12))
        {
            var lines = chunk.Select(v => $"{v} {Paths[v.Length % Paths.Length]}\r\n").ToArray();
            yield return ("before-login", [W(B(string.Concat(lines)))], HostileEnding.Sentinel, lines.Length);
        }

        // Absurd PORT and EPRT values, each followed by a transfer.
        foreach (var argument in PortArguments)
        {
            yield return ("port", [W(Login("alice"), B($"PORT {argument}\r\nLIST\r\n"))], HostileEnding.Sentinel, null);
        }

        foreach (var argument in EprtArguments)
        {
            yield return ("eprt", [W(Login("alice"), B($"EPRT {argument}\r\nNLST\r\n"))], HostileEnding.Sentinel, null);
        }

        // PORT at the server's own control port: the listing goes to a new session as commands.
        yield return ("port-self", [W(Login("alice"), B($"PORT 127,0,0,1,{_controlPort >> 8},{_controlPort & 0xFF}\r\nLIST\r\n"))], HostileEnding.Sentinel, null);
        yield return ("port-self", [W(Login("alice"), B($"EPRT |1|127.0.0.1|{_controlPort}|\r\nRETR file.bin\r\n"))], HostileEnding.Sentinel, null);

        // REST with huge, negative and junk numbers, before every transfer command.
        foreach (var number in Numbers)
        {
            foreach (var transfer in new[] { "RETR file.bin", "STOR rest-target", "APPE file.bin", "LIST" })
            {
                yield return ("rest", [W(Login("alice"), B($"REST {number}\r\nEPSV\r\n{transfer}\r\nREST {number}\r\nRNFR file.bin\r\nRNTO file.bin\r\n"))], HostileEnding.Sentinel, null);
            }
        }

        // OPTS and MLST junk, before and after login.
        foreach (var argument in OptsArguments)
        {
            yield return ("opts-mlst", [W(B($"OPTS {argument}\r\nMLST {argument}\r\nFEAT\r\n"))], HostileEnding.Sentinel, null);
            yield return ("opts-mlst", [W(Login("alice"), B($"OPTS {argument}\r\nMLST {argument}\r\nMLST file.bin\r\nPASV\r\nMLSD\r\nFEAT\r\n"))], HostileEnding.Sentinel, null);
        }

        // AUTH followed by bytes that are not a TLS handshake: smuggled in the same packet, or sent after the 234.
        yield return ("auth", [W(B("AUTH TLS\r\nUSER alice\r\nPASS secret\r\n"))], HostileEnding.Sentinel, null);
        yield return ("auth", [W(B("AUTH TLS\r\n")), new HostileWrite(B("GET / HTTP/1.1\r\n\r\n"), PauseMilliseconds: 50)], HostileEnding.Sentinel, null);
        yield return ("auth", [W(B("AUTH SSL\r\n")), new HostileWrite([0x16, 0x03, 0x01, 0xFF, 0xFF], PauseMilliseconds: 50)], HostileEnding.HalfClose, null);
        yield return ("auth", [W(B("AUTH TLS\r\n"))], HostileEnding.HalfClose, null);
        yield return ("auth", [W(B("AUTH TLS\r\n"))], HostileEnding.Reset, null);
        yield return ("auth", [W(B("AUTH XYZ\r\nAUTH\r\nPBSZ 0\r\nPROT P\r\nPROT X\r\nCCC\r\n"))], HostileEnding.Sentinel, null);
        yield return ("auth", [W(Login("alice"), B("AUTH TLS\r\nPBSZ -1\r\nPROT C\r\n"))], HostileEnding.Sentinel, null);

        // Logins abused.
        yield return ("login", [W(B("USER alice\r\nPASS a\r\nUSER alice\r\nPASS b\r\nUSER alice\r\nPASS c\r\nUSER alice\r\nPASS secret\r\n"))], HostileEnding.Sentinel, null);
        yield return ("login", [W(B($"USER {new string('u', 3000)}\r\nPASS {new string('p', 3000)}\r\n"))], HostileEnding.Sentinel, null);
        yield return ("login", [W(B($"USER anonymous\r\nPASS {new string('p', 4000)}\r\n"))], HostileEnding.Sentinel, null);
        yield return ("login", [W(B("PASS secret\r\nUSER alice\r\nHOST x\r\nPASS secret\r\nHOST y\r\nUSER bob\r\nPASS hunter2\r\nSTOR x\r\nREIN\r\nPWD\r\nACCT x\r\n"))], HostileEnding.Sentinel, null);
        yield return ("login", [W(B("HOST \u202E\r\nHOST \r\nHOST " + new string('h', 2000) + "\r\nUSER anonymous\r\nPASS \r\nPWD\r\n"))], HostileEnding.Sentinel, null);

        // Transfers cut in every way.
        foreach (var ending in new[] { HostileEnding.Reset, HostileEnding.HalfClose, HostileEnding.Close, HostileEnding.Quit, HostileEnding.Sentinel })
        {
            foreach (var command in new[] { "RETR file.bin", "STOR cut-upload", "LIST", "MLSD", "STOU", "APPE file.bin" })
            {
                yield return ("transfer-cut", [W(Login("alice"), B($"TYPE I\r\nPASV\r\n{command}\r\n"))], ending, null);
            }
        }

        yield return ("transfer-abort", [W(Login("alice"), B("EPSV\r\nRETR file.bin\r\n")), W([0xFF, 0xF4, 0xFF]), new HostileWrite([0xF2], Urgent: true), W(B("ABOR\r\n"))], HostileEnding.Sentinel, null);
        yield return ("transfer-abort", [W(Login("alice"), B("EPSV\r\nSTOR aborted-upload\r\nABOR\r\nABOR\r\nSTAT\r\n"))], HostileEnding.Sentinel, null);
        yield return ("transfer-abort", [W(Login("alice"), B("EPSV ALL\r\nPASV\r\nPORT 127,0,0,1,200,10\r\nEPSV 3\r\nEPSV x\r\nEPSV\r\nLIST\r\nQUIT\r\n"))], HostileEnding.Sentinel, null);
    }

    private HostileCase RandomCase(Random random, int id)
    {
        var kind = random.Next(13);
        int? refusals = null;
        List<HostileWrite> writes;
        string name;
        switch (kind)
        {
            case 0:
                name = "garbage";
                writes = [];
                if (random.Next(2) == 0)
                {
                    writes.Add(W(Login(PickUser(random))));
                }

                var garbage = new byte[random.Next(10) == 0 ? random.Next(_maxLineLength, 3 * _maxLineLength) : random.Next(1, 2000)];
                random.NextBytes(garbage);
                writes.AddRange(Split(random, garbage));
                break;
            case 1:
                name = "printable-garbage";
                var text = new StringBuilder();
                for (var i = random.Next(1, 400); i > 0; i--)
                {
                    text.Append(random.Next(12) switch
                    {
                        0 => '\r',
                        1 => '\n',
                        2 => '\0',
                        3 => ' ',
                        _ => (char)random.Next(0x20, 0x7F),
                    });
                }

                writes = [.. Split(random, B(text.ToString()))];
                break;
            case 2:
                name = "iac-flood";
                var pairs = random.Next(1, 1100);
                writes = [W(random.Next(2) == 0 ? [] : Login("alice"), Repeat([0xFF, 0xF4, 0xFF, 0xF2], pairs), B(Pick(random, AllVerbs) + "\r\n"))];
                break;
            case 3:
                name = "line-length";
                var length = _maxLineLength + random.Next(-4, 5);
                writes = [W(Exact(Pick(random, AllVerbs) + " ", Pick(random, new[] { "A", "\u00E9", "\u20AC", "\U0001F600", "/", "\0" }), length, "\r\n"))];
                break;
            case 4:
                name = "invalid-utf8";
                writes = [W(random.Next(2) == 0 ? [] : Login(PickUser(random)), B(Pick(random, AllVerbs) + " "), Pick(random, InvalidUtf8), B(Pick(random, Paths) + "\r\n"))];
                break;
            case 5:
                name = "unicode-names";
                writes = NameTour(Pick(random, UnicodeNames) + random.Next(1000), random.Next(2) == 0);
                break;
            case 6:
                name = "before-login";
                var count = random.Next(1, 30);
                var lines = new StringBuilder();
                for (var i = 0; i < count; i++)
                {
                    var verb = Pick(random, NeedsLogin);
                    lines.Append(random.Next(3) == 0 ? verb.ToLowerInvariant() : verb).Append(' ').Append(SafeArgument(random)).Append("\r\n");
                }

                refusals = count;
                writes = [W(B(lines.ToString()))];
                break;
            case 7:
                name = "port-eprt";
                writes = [W(Login(PickUser(random)), B(random.Next(2) == 0 ? $"PORT {Pick(random, PortArguments)}\r\n" : $"EPRT {Pick(random, EprtArguments)}\r\n"),
                    B(Pick(random, new[] { "LIST\r\n", "RETR file.bin\r\n", "STOR active-upload\r\n", "NLST\r\n", "PWD\r\n" })))];
                break;
            case 8:
                name = "rest";
                writes = [W(Login(PickUser(random)), B($"REST {Pick(random, Numbers)}\r\n{(random.Next(2) == 0 ? "PASV" : "EPSV")}\r\n"),
                    B(Pick(random, new[] { "RETR file.bin", "STOR rest-upload", "APPE file.bin", "LIST", "REST 0", "RNFR file.bin" }) + "\r\n"))];
                break;
            case 9:
                name = "opts-mlst";
                writes = [W(random.Next(2) == 0 ? [] : Login(PickUser(random)), B($"OPTS {Pick(random, OptsArguments)}\r\nMLST {Pick(random, Paths)}\r\nMLST {Pick(random, OptsArguments)}\r\n"))];
                break;
            case 10:
                name = "transfer";
                writes = [W(Login(PickUser(random)), B(Pick(random, new[] { "TYPE I\r\n", "TYPE A\r\n", "" })),
                    B($"{(random.Next(2) == 0 ? "PASV" : "EPSV")}\r\n{Pick(random, new[] { "RETR file.bin", "STOR up-" + id, "APPE up-" + id, "LIST -la", "NLST", "MLSD", "STOU", "RETR dir" })}\r\n"))];
                if (random.Next(3) == 0)
                {
                    writes.Add(new HostileWrite(B(Pick(random, new[] { "ABOR\r\n", "STAT\r\n", "NOOP\r\n", "PASV\r\n", "QUIT\r\n", "REIN\r\n", "USER bob\r\n" })), PauseMilliseconds: random.Next(0, 20)));
                }

                if (random.Next(6) == 0)
                {
                    writes.Add(W([0xFF, 0xF4, 0xFF]));
                    writes.Add(new HostileWrite([0xF2], Urgent: true));
                    writes.Add(W(B("ABOR\r\n")));
                }

                break;
            default:
                name = "pipelined";
                var pipelined = new StringBuilder(random.Next(3) > 0 ? Encoding.UTF8.GetString(Login(PickUser(random))) : "");
                for (var i = random.Next(2, 40); i > 0; i--)
                {
                    var verb = Pick(random, AllVerbs);
                    if (verb is "AUTH" && random.Next(4) > 0)
                    {
                        continue;
                    }

                    pipelined.Append(random.Next(4) == 0 ? verb.ToLowerInvariant() : verb);
                    if (random.Next(5) > 0)
                    {
                        pipelined.Append(' ').Append(HostileArgument(random));
                    }

                    pipelined.Append(random.Next(10) == 0 ? "\n" : "\r\n");
                }

                writes = [.. Split(random, B(pipelined.ToString()))];
                break;
        }

        var ending = refusals is not null ? HostileEnding.Sentinel : random.Next(100) switch
        {
            < 68 => HostileEnding.Sentinel,
            < 78 => HostileEnding.HalfClose,
            < 88 => HostileEnding.Reset,
            < 94 => HostileEnding.Quit,
            _ => HostileEnding.Close,
        };
        return new HostileCase(id, name, writes, ending, refusals);
    }

    /// <summary>Logs in, then takes a name through every command that takes a path.</summary>
    private static List<HostileWrite> NameTour(string name, bool extended)
    {
        var passive = extended ? "EPSV" : "PASV";
        return
        [
            W(Login("alice")),
            W(B($"MKD {name}\r\nCWD {name}\r\nPWD\r\nCDUP\r\nMLST {name}\r\nSTAT {name}\r\n{passive}\r\nSTOR {name}/f\r\n")),
            W(B($"{passive}\r\nLIST {name}\r\n{passive}\r\nNLST {name}\r\n{passive}\r\nMLSD {name}\r\nSIZE {name}/f\r\nMDTM {name}/f\r\n")),
            W(B($"MFMT 20200101000000 {name}/f\r\nRNFR {name}/f\r\nRNTO {name}/g\r\n{passive}\r\nRETR {name}/g\r\nDELE {name}/g\r\nRMD {name}\r\n")),
        ];
    }

    private string HostileArgument(Random random) => random.Next(9) switch
    {
        0 => Pick(random, Paths),
        1 => Pick(random, UnicodeNames),
        2 => Pick(random, Numbers),
        3 => Pick(random, PortArguments),
        4 => Pick(random, EprtArguments),
        5 => new string((char)random.Next(0x21, 0x7F), random.Next(1, Math.Min(2000, _maxPathLength + 10))),
        6 => string.Concat(Enumerable.Repeat("../", random.Next(1, 600))),
        7 => Pick(random, OptsArguments),
        _ => "\u0001\u0002\u0003\u001F\u007F",
    };

    private static string SafeArgument(Random random) => random.Next(4) switch
    {
        0 => "",
        1 => Pick(random, Paths),
        2 => Pick(random, Numbers),
        _ => Pick(random, UnicodeNames),
    };

    private static string PickUser(Random random) => random.Next(10) switch
    {
        < 6 => "alice",
        < 8 => "anonymous",
        < 9 => "bob",
        _ => "mallory",
    };

    /// <summary>USER and PASS in one write; mallory does not exist, so her login fails.</summary>
    private static byte[] Login(string user) => B(user switch
    {
        "alice" => "USER alice\r\nPASS secret\r\n",
        "bob" => "USER bob\r\nPASS hunter2\r\n",
        "anonymous" => "USER anonymous\r\nPASS guest@example.com\r\n",
        _ => $"USER {user}\r\nPASS nope\r\n",
    });

    /// <summary>A line of exactly <paramref name="length"/> bytes, line end included; the filler may be cut mid-character.</summary>
    private static byte[] Exact(string verb, string filler, int length, string lineEnd)
    {
        var head = B(verb);
        var tail = B(lineEnd);
        var fill = B(filler);
        var line = new byte[Math.Max(length, head.Length + tail.Length)];
        head.CopyTo(line, 0);
        for (var i = head.Length; i < line.Length - tail.Length; i++)
        {
            line[i] = fill[(i - head.Length) % fill.Length];
        }

        tail.CopyTo(line, line.Length - tail.Length);
        return line;
    }

    private static IEnumerable<HostileWrite> Split(Random random, byte[] bytes)
    {
        var parts = random.Next(1, 5);
        var offset = 0;
        for (var i = 1; i < parts && offset < bytes.Length; i++)
        {
            var size = random.Next(0, bytes.Length - offset);
            yield return new HostileWrite(bytes[offset..(offset + size)], PauseMilliseconds: random.Next(3) == 0 ? 1 : 0);
            offset += size;
        }

        yield return new HostileWrite(bytes[offset..]);
    }

    private static byte[] Repeat(byte[] pattern, int times)
    {
        var bytes = new byte[pattern.Length * times];
        for (var i = 0; i < times; i++)
        {
            pattern.CopyTo(bytes, i * pattern.Length);
        }

        return bytes;
    }

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static byte[] B(string text) => Encoding.UTF8.GetBytes(text);

    private static HostileWrite W(params byte[][] parts) => new([.. parts.SelectMany(p => p)]);
}
