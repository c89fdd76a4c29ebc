using Ftp.Embedded.Internal.Commands;
using Ftp.Embedded.Internal.Protocol;

namespace Ftp.Embedded.Tests.Commands;

public class CommandTableTests
{
    [Fact]
    public void Every_verb_is_unique_upper_case_and_interned_by_the_parser()
    {
        var verbs = CommandTable.All.Select(c => c.Verb).ToList();
        verbs.Should().OnlyHaveUniqueItems();
        verbs.Should().OnlyContain(v => char.IsAsciiLetterUpper(v[0]) && v.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)) && v.Length <= FtpVerbs.MaxLength);
        FtpVerbs.All.Should().Contain(verbs, "the parser interns every verb the table knows");
    }

    [Fact]
    public void Every_command_has_help_that_starts_with_its_verb()
        => CommandTable.All.Should().OnlyContain(c => c.Syntax.StartsWith(c.Verb, StringComparison.Ordinal));

    [Theory]
    [InlineData("USER")]
    [InlineData("PASS")]
    [InlineData("QUIT")]
    [InlineData("FEAT")]
    [InlineData("SYST")]
    [InlineData("HELP")]
    [InlineData("NOOP")]
    [InlineData("OPTS")]
    [InlineData("HOST")]
    [InlineData("STAT")]
    public void Commands_allowed_before_login_do_not_need_it(string verb)
        => CommandTable.Find(verb)!.Flags.Should().NotHaveFlag(CommandFlags.NeedsLogin);

    [Theory]
    [InlineData("RETR")]
    [InlineData("STOR")]
    [InlineData("LIST")]
    [InlineData("DELE")]
    [InlineData("MKD")]
    [InlineData("CWD")]
    [InlineData("PASV")]
    [InlineData("PORT")]
    public void File_commands_need_login(string verb) => CommandTable.Find(verb)!.Flags.Should().HaveFlag(CommandFlags.NeedsLogin);

    [Theory]
    [InlineData("ABOR")]
    [InlineData("STAT")]
    [InlineData("NOOP")]
    [InlineData("QUIT")]
    public void Control_commands_are_answered_during_a_transfer(string verb)
        => CommandTable.Find(verb)!.Flags.Should().HaveFlag(CommandFlags.DuringTransfer);

    [Fact]
    public void Only_the_four_control_commands_run_during_a_transfer()
        => CommandTable.All.Where(c => c.Flags.HasFlag(CommandFlags.DuringTransfer)).Select(c => c.Verb)
            .Should().BeEquivalentTo("ABOR", "STAT", "NOOP", "QUIT");

    [Fact]
    public void Aliases_share_their_handlers()
    {
        foreach (var (alias, verb) in new[] { ("XPWD", "PWD"), ("XCWD", "CWD"), ("XCUP", "CDUP"), ("XMKD", "MKD"), ("XRMD", "RMD") })
        {
            CommandTable.Find(alias)!.Handler.Should().Be(CommandTable.Find(verb)!.Handler);
        }
    }

    [Fact]
    public void Unknown_verbs_are_not_found() => CommandTable.Find("FOO").Should().BeNull();
}
