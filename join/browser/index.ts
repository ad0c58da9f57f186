// The browser side of audience mode, for the deck: the join panel (QR code, live audience counts). The phone's page (attendeePage.ts) is an entry of join.html, not imported.
export { createJoinPanel, type JoinPanel } from './joinPanel.ts';
