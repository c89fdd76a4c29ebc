using System.Buffers;
using System.Text;
using Ftp.Embedded.Internal.Protocol;
using Ftp.Embedded.Internal.Session;

namespace Ftp.Embedded.Tests.Commands;

public class ListingFormatterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 13, 5, 0, TimeSpan.Zero);
    private static readonly FtpUser Alice = new("alice", "/", FtpPermissions.All);

    private static string List(FtpFileInfo entry)
    {
        var output = new ArrayBufferWriter<byte>();
        ListingFormatter.WriteListLine(output, entry, Now);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string Facts(FtpFileInfo entry, MlstFacts facts, FtpUser? user = null)
    {
        var output = new ArrayBufferWriter<byte>();
        ListingFormatter.WriteFactsLine(output, entry, "/" + entry.Name, facts, user ?? Alice, entry.Name);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Recent_files_show_the_time()
        => List(new FtpFileInfo("notes.txt", false, 1234, new DateTimeOffset(2026, 11, 3, 9, 7, 0, TimeSpan.Zero)))
            .Should().Be("-rw-r--r--    1 ftp      ftp              1234 Nov 03 09:07 notes.txt\r\n");

    [Fact]
    public void Old_files_show_the_year()
        => List(new FtpFileInfo("old.txt", false, 5, new DateTimeOffset(2025, 4, 30, 9, 7, 0, TimeSpan.Zero)))
            .Should().Be("-rw-r--r--    1 ftp      ftp                 5 Apr 30  2025 old.txt\r\n");

    [Fact]
    public void Future_files_show_the_year()
        => List(new FtpFileInfo("future.txt", false, 5, new DateTimeOffset(2027, 1, 2, 0, 0, 0, TimeSpan.Zero)))
            .Should().EndWith("Jan 02  2027 future.txt\r\n");

    [Fact]
    public void Times_are_converted_to_UTC()
        => List(new FtpFileInfo("tz.txt", false, 1, new DateTimeOffset(2026, 11, 3, 9, 7, 0, TimeSpan.FromHours(2))))
            .Should().Contain("Nov 03 07:07 tz.txt");

    [Fact]
    public void Directories_and_modes_use_ls_letters()
    {
        List(new FtpFileInfo("dir", true, 0, Now)).Should().StartWith("drwxr-xr-x ").And.Contain(" 4096 ");
        List(new FtpFileInfo("x", false, 0, Now) { UnixMode = 0b111_101_000 }).Should().StartWith("-rwxr-x--- ");
        List(new FtpFileInfo("l", false, 0, Now) { IsSymbolicLink = true }).Should().StartWith("lrw-r--r-- ");
    }

    [Fact]
    public void Line_breaks_in_names_never_reach_the_output()
        => List(new FtpFileInfo("evil\r\n226 forged", false, 0, Now)).Should().EndWith(" evil??226 forged\r\n");

    [Fact]
    public void MLSD_lines_carry_the_selected_facts()
    {
        var entry = new FtpFileInfo("a.txt", false, 10, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        Facts(entry, MlstFacts.Default).Should().MatchRegex(@"^type=file;size=10;modify=20260102030405;perm=adfrw;unique=[0-9a-f]{16}; a\.txt\r\n$");
        Facts(entry, MlstFacts.Size | MlstFacts.UnixMode).Should().Be("size=10;unix.mode=0644; a.txt\r\n");
        Facts(entry, MlstFacts.None).Should().Be(" a.txt\r\n");
    }

    [Fact]
    public void Permissions_follow_the_user()
    {
        var reader = new FtpUser("r", "/", FtpPermissions.Read);
        Facts(new FtpFileInfo("f", false, 1, Now), MlstFacts.Perm, reader).Should().Be("perm=r; f\r\n");
        Facts(new FtpFileInfo("d", true, 0, Now), MlstFacts.Perm, reader).Should().Be("perm=el; d\r\n");
        Facts(new FtpFileInfo("d", true, 0, Now), MlstFacts.Perm).Should().Be("perm=cdeflmp; d\r\n");
    }

    [Theory]
    [InlineData("type;size;", 3)]
    [InlineData("TYPE;Unix.Mode;bogus;", 33)]
    [InlineData("", 0)]
    public void OPTS_MLST_selects_known_facts(string value, int expected) => ListingFormatter.ParseFacts(value).Should().Be((MlstFacts)expected);

    [Fact]
    public void FEAT_marks_the_default_facts()
        => ListingFormatter.FeatFacts(TransferSettings.Default).Should().Be("type*;size*;modify*;perm*;unique*;unix.mode;");

    [Theory]
    [InlineData("20260102030405", "2026-01-02T03:04:05+00:00")]
    [InlineData("20260102030405.5", "2026-01-02T03:04:05.5+00:00")]
    [InlineData("20260102030405.123", "2026-01-02T03:04:05.123+00:00")]
    public void Times_parse_as_UTC(string text, string expected)
    {
        ListingFormatter.TryParseTime(text, out var time).Should().BeTrue();
        time.Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2026010203040")]
    [InlineData("20261302030405")]
    [InlineData("20260102030405.")]
    [InlineData("20260102030405.1234")]
    [InlineData("2026010203040x")]
    public void Bad_times_are_refused(string text) => ListingFormatter.TryParseTime(text, out _).Should().BeFalse();
}
