using Ftp.Embedded.Internal.Commands;

namespace Ftp.Embedded.Tests.Commands;

public class ModeParsingTests
{
    [Theory]
    [InlineData("Z LEVEL 0", 0)]
    [InlineData("Z LEVEL 9", 9)]
    [InlineData("z level 6", 6)]
    [InlineData("  Z   LEVEL   3 ", 3)]
    public void OPTS_MODE_Z_LEVEL_parses(string value, int expected) => ModeCommands.ParseLevel(value).Should().Be(expected);

    [Theory]
    [InlineData("")]
    [InlineData("Z")]
    [InlineData("Z LEVEL")]
    [InlineData("Z LEVEL 10")]
    [InlineData("Z LEVEL -1")]
    [InlineData("Z LEVEL x")]
    [InlineData("Z LEVEL 6 7")]
    [InlineData("S LEVEL 6")]
    [InlineData("Z ENGINE on")]
    public void Bad_OPTS_MODE_values_are_refused(string value) => ModeCommands.ParseLevel(value).Should().BeNull();

    [Fact]
    public void The_command_table_names_MODE_Z() => CommandTable.Find("MODE")!.Syntax.Should().Be("MODE S | Z");
}
