import { css } from 'lit';

/** Rules every element needs: `hidden` that wins over display rules, and text only screen readers get. */
export default css`
  [hidden] {
    display: none !important;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
