#!/usr/bin/perl
# Peer for pnr_parse_bench: Business::Edifact::Interchange (Debian libbusiness-edifact-interchange-perl)
# tokenises the same interchanges (segments, elements, components, envelopes by regex split).
# Usage: edifact_perl_peer.pl REPEATS FILE...  Files are flattened (line breaks removed, leading
# space trimmed) as the peer needs; files it refuses are left out and listed.
use strict;
use warnings;
use Business::Edifact::Interchange;
use Time::HiRes qw(time);

my $repeats = shift @ARGV;
my (@docs, @accepted, @refused);
my ($bytes, $messages) = (0, 0);
for my $file (@ARGV) {
    open my $fh, '<:raw', $file or die "$file: $!";
    local $/;
    my $doc = <$fh>;
    close $fh;
    $doc =~ tr/\r\n//d;
    $doc =~ s/^\s+//;
    my $e = Business::Edifact::Interchange->new;
    my $ok = eval { $e->parse($doc); 1 };
    if ($ok) {
        push @docs, $doc;
        push @accepted, $file;
        $bytes += length $doc;
        $messages += scalar @{ $e->messages };
    } else {
        push @refused, $file;
    }
}
my $start = time;
for (1 .. $repeats) {
    for my $doc (@docs) {
        my $e = Business::Edifact::Interchange->new;
        $e->parse($doc);
    }
}
my $seconds = time - $start;
print "accepted\t$_\n" for @accepted;
print "refused\t$_\n" for @refused;
printf "result\t%d\t%d\t%.6f\n", $messages, $bytes, $seconds;
