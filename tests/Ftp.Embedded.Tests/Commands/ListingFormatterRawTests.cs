using System.Buffers;
using System.Text;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Tests.Commands;

/// <summary>The lines of a raw entry (name bytes and stat fields) are byte for byte those of the same <see cref="FtpFileInfo"/>.</summary>
public class ListingFormatterRawTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 13, 5, 0, TimeSpan.Zero);
    private static readonly FtpUser Alice = new("alice", "/", FtpPermissions.All);
    private static readonly FtpUser Reader = new("reader", "/", FtpPermissions.Read);

    public static TheoryData<string, bool, long, long, int> Entries()
    {
        var times = new[]
        {
            Now.UtcTicks, Now.UtcTicks + TimeSpan.TicksPerDay, Now.UtcTicks + TimeSpan.TicksPerDay + 1,
            Now.UtcTicks - (182 * TimeSpan.TicksPerDay), Now.UtcTicks - (182 * TimeSpan.TicksPerDay) + 1,
            new DateTime(2026, 11, 3, 9, 7, 59, 999, DateTimeKind.Utc).Ticks, DateTime.UnixEpoch.Ticks,
            new DateTime(1901, 12, 13, 20, 45, 52, DateTimeKind.Utc).Ticks, new DateTime(2099, 2, 28, 23, 59, 59, DateTimeKind.Utc).Ticks,
            new DateTime(999, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks, DateTime.MaxValue.Ticks - 1,
        };
        var data = new TheoryData<string, bool, long, long, int>();
        foreach (var time in times)
        {
            data.Add("notes.txt", false, 1234, time, 0b110_100_100);
        }

        data.Add("dir", true, 0, Now.UtcTicks, 0b111_101_101);
        data.Add("with space.bin", false, 0, Now.UtcTicks, 0b110_000_000);
        data.Add("\u00e9t\u00e9 \u65e5\u672c.txt", false, 999_999_999_999, Now.UtcTicks, 0b111_111_111);
        data.Add("huge.iso", false, long.MaxValue, Now.UtcTicks, 0b100_100_100);
        data.Add("eleven.bin", false, 12_345_678_901, Now.UtcTicks, 0b110_100_100);
        data.Add("empty", false, 0, Now.UtcTicks, 0b110_100_100);
        data.Add("suid", false, 12, Now.UtcTicks, 0b100_111_101_101);
        data.Add("sticky", true, 0, Now.UtcTicks, 0b001_111_111_111);
        data.Add("line\r\nbreak", false, 1, Now.UtcTicks, 0);
        data.Add("emoji \ud83d\ude00", false, 7, Now.UtcTicks, 0b110_100_100);
        return data;
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void List_lines_match(string name, bool isDirectory, long size, long ticks, int mode)
    {
        var (info, raw) = (Info(name, isDirectory, size, ticks, mode), Encoding.UTF8.GetBytes(name));
        var expected = new ArrayBufferWriter<byte>();
        ListingFormatter.WriteListLine(expected, info, Now);
        var actual = new ArrayBufferWriter<byte>();
        ListingFormatter.WriteListLine(actual, new RawListingEntry(raw, isDirectory, size, ticks, mode), Now);
        Encoding.UTF8.GetString(actual.WrittenSpan).Should().Be(Encoding.UTF8.GetString(expected.WrittenSpan));
        actual.WrittenSpan.SequenceEqual(expected.WrittenSpan).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Fact_lines_match(string name, bool isDirectory, long size, long ticks, int mode)
    {
        var (info, raw) = (Info(name, isDirectory, size, ticks, mode), Encoding.UTF8.GetBytes(name));
        foreach (var directory in new[] { "/", "/pub/d\u00e9p\u00f4t" })
        {
            foreach (var user in new[] { Alice, Reader })
            {
                foreach (var facts in new[] { MlstFacts.Default, MlstFacts.Default | MlstFacts.UnixMode, MlstFacts.None, MlstFacts.Size | MlstFacts.Unique })
                {
                    var expected = new ArrayBufferWriter<byte>();
                    ListingFormatter.WriteFactsLine(expected, info, directory, name, facts, user, name);
                    var actual = new ArrayBufferWriter<byte>();
                    ListingFormatter.WriteFactsLine(actual, new RawListingEntry(raw, isDirectory, size, ticks, mode), ListingFormatter.UniqueSeed(directory), facts, user);
                    Encoding.UTF8.GetString(actual.WrittenSpan).Should().Be(Encoding.UTF8.GetString(expected.WrittenSpan), $"{facts} in {directory} for {user.Name}");
                    actual.WrittenSpan.SequenceEqual(expected.WrittenSpan).Should().BeTrue();
                }
            }
        }
    }

    [Fact]
    public void A_known_line_is_written()
    {
        var output = new ArrayBufferWriter<byte>();
        var ticks = new DateTime(2026, 11, 3, 9, 7, 0, DateTimeKind.Utc).Ticks;
        ListingFormatter.WriteListLine(output, new RawListingEntry("notes.txt"u8, false, 1234, ticks, 0b110_100_100), Now);
        ListingFormatter.WriteFactsLine(output, new RawListingEntry("notes.txt"u8, false, 1234, ticks, 0b110_100_100), ListingFormatter.UniqueSeed("/"), MlstFacts.Type | MlstFacts.Size | MlstFacts.Modify | MlstFacts.Perm, Alice);
        Encoding.UTF8.GetString(output.WrittenSpan).Should().Be(
            "-rw-r--r--    1 ftp      ftp              1234 Nov 03 09:07 notes.txt\r\n"
            + "type=file;size=1234;modify=20261103090700;perm=adfrw; notes.txt\r\n");
    }

    private static FtpFileInfo Info(string name, bool isDirectory, long size, long ticks, int mode)
        => new(name, isDirectory, size, new DateTimeOffset(ticks, TimeSpan.Zero)) { UnixMode = mode };
}
