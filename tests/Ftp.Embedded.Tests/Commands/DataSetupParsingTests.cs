using System.Net;
using Ftp.Embedded.Internal.Commands;

namespace Ftp.Embedded.Tests.Commands;

public class DataSetupParsingTests
{
    [Theory]
    [InlineData("127,0,0,1,4,1", "127.0.0.1:1025")]
    [InlineData(" 10,0,0,2,255,255 ", "10.0.0.2:65535")]
    [InlineData("192,168,1,2,0,21", "192.168.1.2:21")]
    public void PORT_arguments_parse(string argument, string expected)
    {
        DataSetupCommands.TryParsePort(argument, out var target).Should().BeTrue();
        target.Should().Be(IPEndPoint.Parse(expected));
    }

    [Theory]
    [InlineData("")]
    [InlineData("127,0,0,1,4")]
    [InlineData("127,0,0,1,4,1,1")]
    [InlineData("256,0,0,1,4,1")]
    [InlineData("127,0,0,1,0,0")]
    [InlineData("-1,0,0,1,4,1")]
    [InlineData("a,b,c,d,e,f")]
    [InlineData("127,0,0,1,4,+1")]
    public void Bad_PORT_arguments_are_refused(string argument) => DataSetupCommands.TryParsePort(argument, out _).Should().BeFalse();

    [Theory]
    [InlineData("|1|127.0.0.1|2000|", "127.0.0.1:2000")]
    [InlineData("|2|::1|2000|", "[::1]:2000")]
    [InlineData("!1!10.1.2.3!65535!", "10.1.2.3:65535")]
    public void EPRT_arguments_parse(string argument, string expected)
    {
        DataSetupCommands.TryParseEprt(argument, out var target).Should().Be(DataSetupCommands.EprtResult.Ok);
        target.Should().Be(IPEndPoint.Parse(expected));
    }

    [Theory]
    [InlineData("|3|x|2000|", 2)]
    [InlineData("|1|::1|2000|", 1)]
    [InlineData("|2|127.0.0.1|2000|", 1)]
    [InlineData("|1|127.0.0.1|0|", 1)]
    [InlineData("|1|127.0.0.1|65536|", 1)]
    [InlineData("|1|127.0.0.1|", 1)]
    [InlineData("1|127.0.0.1|2000|", 1)]
    [InlineData("", 1)]
    public void Bad_EPRT_arguments_are_refused(string argument, int expected)
        => DataSetupCommands.TryParseEprt(argument, out _).Should().Be((DataSetupCommands.EprtResult)expected);

    [Theory]
    [InlineData("", "")]
    [InlineData("-la", "")]
    [InlineData("-a -l /pub", "/pub")]
    [InlineData("/pub", "/pub")]
    [InlineData("  -l   dir name", "dir name")]
    public void LIST_options_are_dropped(string argument, string expected) => ListingCommands.StripOptions(argument).Should().Be(expected);
}
